using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;

namespace Platform.Grains.Collectives.SharedMemory;

/// <summary>
/// A one-way byte stream between two processes on one machine: a ring buffer in a file on a
/// memory file system (<c>/dev/shm</c>), one writer and one reader, each moving its own position
/// and waking the other through a futex word. The writer creates the file readable by its own user
/// only, with a random nonce the reader must find in it, so a reader that opens someone else's file
/// (another machine's path, another container's <c>/dev/shm</c>) refuses it. Records are padded to
/// <see cref="Alignment"/> bytes, so a record header never wraps and values stay aligned.
/// </summary>
internal sealed unsafe class SharedRing : IDisposable
{
    public const int Alignment = 16;
    public const int NonceBytes = 16;
    public const long MaxCapacity = 1L << 30;
    private const string Prefix = "platform-ring-";

    // Each field on a cache line of its own: the two sides write different lines.
    private const int HeaderBytes = 4096;
    private const int CapacityAt = NonceBytes;
    private const int HeadAt = 64;
    private const int TailAt = 128;
    private const int DataWordAt = 192;
    private const int SpaceWordAt = 256;
    private const int ClosedAt = 320;

    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* origin;
    private readonly byte* data;
    private int disposed;

    private SharedRing(MemoryMappedFile file, long capacity)
    {
        this.file = file;
        view = file.CreateViewAccessor(0, HeaderBytes + capacity);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        origin = pointer + view.PointerOffset;
        data = origin + HeaderBytes;
        Capacity = capacity;

        // Fault every page in now, not in the first steps: one page fault per 4 KiB costs as much as the copy.
        var sum = 0;
        for (long at = 0; at < HeaderBytes + capacity; at += 4096)
        {
            sum += Volatile.Read(ref origin[at]);
        }

        GC.KeepAlive(sum);
    }

    /// <summary>Bytes the ring holds: a power of two.</summary>
    public long Capacity { get; }

    /// <summary>Whether either side has closed the ring.</summary>
    public bool Closed => Volatile.Read(ref *(int*)(origin + ClosedAt)) != 0;

    private ref long Head => ref *(long*)(origin + HeadAt);

    private ref long Tail => ref *(long*)(origin + TailAt);

    private int* DataWord => (int*)(origin + DataWordAt);

    private int* SpaceWord => (int*)(origin + SpaceWordAt);

    /// <summary>Creates a ring in <paramref name="directory"/> and returns it with its path and nonce, for the reader to open.</summary>
    public static (SharedRing Ring, string Path, byte[] Nonce) Create(string directory, long capacity)
    {
        if (capacity is < 4096 or > MaxCapacity || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a power of two of at least 4096 bytes");
        }

        var path = System.IO.Path.Combine(directory, $"{Prefix}{Guid.NewGuid():N}");
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        try
        {
            WriteFile(path, nonce, capacity);
            return (Map(path, capacity), path, nonce);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>
    /// The ring's file, owner-only, with its pages reserved (posix_fallocate): a full /dev/shm fails
    /// here with an IOException, and the link keeps its socket, instead of a SIGBUS when a page of a
    /// sparse file is first touched.
    /// </summary>
    internal static void WriteFile(string path, ReadOnlySpan<byte> nonce, long capacity)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, PreallocationSize = HeaderBytes + capacity };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.SetLength(HeaderBytes + capacity);
        stream.Write(nonce);
        stream.Write(BitConverter.GetBytes(capacity));
    }

    /// <summary>
    /// Opens the writer's ring at <paramref name="path"/>; null when it is not a ring file in
    /// <paramref name="directory"/>, not there, not this user's alone, or not the writer's (the nonce differs).
    /// </summary>
    public static SharedRing? TryOpen(string directory, string path, ReadOnlySpan<byte> nonce, long capacity)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.DirectoryName != System.IO.Path.GetFullPath(directory).TrimEnd('/') || !info.Name.StartsWith(Prefix, StringComparison.Ordinal)
                || capacity is < 4096 or > MaxCapacity || (capacity & (capacity - 1)) != 0 || !info.Exists || info.Length != HeaderBytes + capacity
                || OperatingSystem.IsWindows() || (info.UnixFileMode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                return null;
            }

            var ring = Map(path, capacity);
            if (ring.Matches(nonce, capacity))
            {
                return ring;
            }

            ring.Dispose();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The writer's next free bytes, contiguous, up to <paramref name="max"/>; empty when the ring is full.</summary>
    public Span<byte> Writable(long max)
    {
        var head = Head;
        var free = Capacity - (head - Volatile.Read(ref Tail));
        var at = head & (Capacity - 1);
        return new Span<byte>(data + at, (int)Math.Min(Math.Min(free, Capacity - at), max));
    }

    /// <summary>Makes the next <paramref name="bytes"/> written visible to the reader, and wakes it.</summary>
    public void Publish(int bytes)
    {
        Volatile.Write(ref Head, Head + bytes);
        Signal(DataWord);
    }

    /// <summary>The reader's next unread bytes, contiguous, up to <paramref name="max"/>; empty when there are none.</summary>
    public ReadOnlySpan<byte> Readable(long max)
    {
        var tail = Tail;
        var available = Volatile.Read(ref Head) - tail;
        var at = tail & (Capacity - 1);
        return new ReadOnlySpan<byte>(data + at, (int)Math.Min(Math.Min(available, Capacity - at), max));
    }

    /// <summary>Frees the next <paramref name="bytes"/> read for the writer, and wakes it.</summary>
    public void Consume(int bytes)
    {
        Volatile.Write(ref Tail, Tail + bytes);
        Signal(SpaceWord);
    }

    /// <summary>Sleeps until the writer publishes or <paramref name="timeout"/> passes, unless data is there already.</summary>
    public void WaitForData(TimeSpan timeout) => WaitOn(DataWord, () => Volatile.Read(ref Head) != Tail, timeout);

    /// <summary>Sleeps until the reader frees space or <paramref name="timeout"/> passes, unless there is some already.</summary>
    public void WaitForSpace(TimeSpan timeout) => WaitOn(SpaceWord, () => Head - Volatile.Read(ref Tail) < Capacity, timeout);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        // The other side, asleep on either word, wakes and finds the ring closed.
        Volatile.Write(ref *(int*)(origin + ClosedAt), 1);
        Signal(DataWord);
        Signal(SpaceWord);
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
    }

    private static SharedRing Map(string path, long capacity)
    {
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, HeaderBytes + capacity, MemoryMappedFileAccess.ReadWrite);
        try
        {
            return new SharedRing(file, capacity);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void Signal(int* word)
    {
        Interlocked.Increment(ref *word);
        Futex.WakeAll(word);
    }

    private bool Matches(ReadOnlySpan<byte> nonce, long capacity) =>
        new ReadOnlySpan<byte>(origin, NonceBytes).SequenceEqual(nonce) && *(long*)(origin + CapacityAt) == capacity;

    private void WaitOn(int* word, Func<bool> ready, TimeSpan timeout)
    {
        // A short spin first: the other side is often a few microseconds from publishing.
        for (var spin = 0; spin < 64; spin++)
        {
            if (ready() || Closed)
            {
                return;
            }

            Thread.SpinWait(32);
        }

        // Read the word before checking again: a signal after the check changes it, so the wait returns at once.
        var seen = Volatile.Read(ref *word);
        if (!ready() && !Closed)
        {
            Futex.WaitWhile(word, seen, timeout);
        }
    }
}
