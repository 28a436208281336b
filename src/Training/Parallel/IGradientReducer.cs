namespace Platform.Training.Parallel;

/// <summary>
/// Averages a flat gradient buffer across all ranks, in place, so that every rank ends with the
/// same bits. Called on the step thread; blocks until the exchange is done.
/// </summary>
public interface IGradientReducer
{
    /// <summary>Averages <paramref name="gradient"/> and returns the bytes this rank sent doing it.</summary>
    long AverageInPlace(float[] gradient, int step);
}
