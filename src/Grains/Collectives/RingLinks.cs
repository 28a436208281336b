namespace Platform.Grains.Collectives;

/// <summary>A rank's link to the next rank of its ring: sends run in the background while the step thread receives.</summary>
internal interface IRingSender : IDisposable
{
    /// <summary>Starts sending <paramref name="count"/> values from <paramref name="data"/> at <paramref name="start"/>.</summary>
    Task SendAsync(float[] data, int start, int count, int step, int phase);

    /// <summary>True when the link is shared memory rather than a socket.</summary>
    bool SharedMemory { get; }
}

/// <summary>A rank's link from the previous rank of its ring.</summary>
internal interface IRingReceiver : IDisposable
{
    /// <summary>Receives as many values as <paramref name="target"/> holds, adding them in or overwriting.</summary>
    void Receive(Span<float> target, int step, int phase, bool add);

    /// <summary>True when the link is shared memory rather than a socket.</summary>
    bool SharedMemory { get; }
}

/// <summary>
/// The direct transport: one link to the next rank and one from the previous, each a TCP socket or,
/// between ranks on one machine, shared memory. Each round is a header (step, phase, values), checked
/// on arrival so a ring that falls out of step fails loudly instead of adding the wrong numbers, then
/// the encoded values, reduced as they arrive.
/// </summary>
internal sealed class RingLinks(IRingSender send, IRingReceiver receive) : IRingTransport
{
    /// <summary><c>shm</c> when both links are shared memory, <c>tcp</c> when neither, <c>tcp+shm</c> when one is.</summary>
    public string Name => (send.SharedMemory, receive.SharedMemory) switch
    {
        (true, true) => "shm",
        (false, false) => "tcp",
        _ => "tcp+shm",
    };

    public Task SendAsync(float[] data, int start, int count, int step, int phase) => send.SendAsync(data, start, count, step, phase);

    public void Receive(Span<float> target, int step, int phase, bool add) => receive.Receive(target, step, phase, add);

    public void Dispose()
    {
        send.Dispose();
        receive.Dispose();
    }

    /// <summary>The check every link makes of a round's header.</summary>
    public static void CheckHeader((int Step, int Phase, int Count) expected, (int Step, int Phase, int Count) got)
    {
        if (got != expected)
        {
            throw new InvalidDataException(
                $"allreduce out of step: expected step {expected.Step} phase {expected.Phase} ({expected.Count} values), got step {got.Step} phase {got.Phase} ({got.Count} values)");
        }
    }

    /// <summary>What a link says when the step deadline passes with no data: the same words over every transport.</summary>
    public static TimeoutException NoData(TimeSpan timeout) =>
        new($"no allreduce data from the previous rank within {timeout.TotalSeconds:0} s (recovery.step_timeout_seconds)");

    public static IOException Closed(string who) => new($"the {who} rank closed its connection");
}
