using System.Diagnostics;
using Platform.Grains.Collectives.SharedMemory;

namespace Platform.Grains.Tests.Collectives.SharedMemory;

/// <summary>The ring file itself: how it is made on the memory file system.</summary>
public sealed class SharedRingTests : IDisposable
{
    // On the memory file system where the silos make their rings, when the machine has one.
    private readonly DirectoryInfo directory = Directory.Exists("/dev/shm")
        ? Directory.CreateDirectory(Path.Combine("/dev/shm", $"shm-ring-{Guid.NewGuid():N}"))
        : Directory.CreateTempSubdirectory("shm-ring-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void A_ring_file_has_its_pages_reserved_before_it_is_mapped_and_is_its_owners_alone()
    {
        // A sparse file would take its pages on first touch, and a full /dev/shm would then kill the
        // process with SIGBUS; reserved up front, a full one fails the creation and the link keeps its socket.
        var path = Path.Combine(directory.FullName, "ring");
        SharedRing.WriteFile(path, new byte[SharedRing.NonceBytes], 1 << 20);

        var info = new FileInfo(path);
        Assert.True(AllocatedBytes(path) >= info.Length, $"{AllocatedBytes(path)} bytes allocated for a file of {info.Length}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, info.UnixFileMode);
    }

    private static long AllocatedBytes(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["--format=%b %B", path]) { RedirectStandardOutput = true })!;
        var fields = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        stat.WaitForExit();
        return long.Parse(fields[0]) * long.Parse(fields[1]);
    }
}
