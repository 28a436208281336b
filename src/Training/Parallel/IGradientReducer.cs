namespace Platform.Training.Parallel;

/// <summary>
/// Averages a flat gradient buffer across all ranks, in place, so that every rank ends with the
/// same bits. Called on the step thread; blocks until the exchange is done.
/// </summary>
public interface IGradientReducer
{
    void AverageInPlace(float[] gradient, int step);
}
