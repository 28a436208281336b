namespace Platform.Training.Parallel;

/// <summary>
/// Averages a flat gradient buffer across all ranks, in place, so that every rank ends with the
/// same bits. Blocks until the exchange is done; not called from two threads at once.
/// </summary>
public interface IGradientReducer
{
    /// <summary>Averages <paramref name="gradient"/> and returns the bytes this rank sent doing it.</summary>
    long AverageInPlace(float[] gradient, int step) => AverageInPlace(gradient, 0, gradient.Length, step, 0);

    /// <summary>
    /// Averages <paramref name="count"/> values from <paramref name="start"/>; <paramref name="slot"/>
    /// tells apart the exchanges of one step (a bucket's index), which every rank runs in the same order.
    /// </summary>
    long AverageInPlace(float[] gradient, int start, int count, int step, int slot);
}
