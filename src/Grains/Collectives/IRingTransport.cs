namespace Platform.Grains.Collectives;

/// <summary>
/// The two links a rank has in an allreduce ring: to the next rank (send) and from the previous
/// (receive). Sends run in the background while the step thread receives, so both directions move
/// at once and a round never waits on a full socket buffer.
/// </summary>
internal interface IRingTransport : IDisposable
{
    /// <summary>Starts sending <paramref name="count"/> values from <paramref name="data"/> at <paramref name="start"/>.</summary>
    Task SendAsync(float[] data, int start, int count, int step, int phase);

    /// <summary>Receives as many values as <paramref name="target"/> holds, adding them in or overwriting.</summary>
    void Receive(Span<float> target, int step, int phase, bool add);
}
