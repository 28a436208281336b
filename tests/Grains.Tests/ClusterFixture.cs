using Orleans.TestingHost;
using Platform.Silo.Hosting;

namespace Platform.Grains.Tests;

/// <summary>One in-process Orleans cluster shared by the grain tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        // A test silo runs user code, as the silo inside `platform train` does.
        builder.ConfigureSilo((_, silo) => silo.AddPlatformGrains(userCode: new Platform.Grains.Jobs.UserCodePolicy { Allowed = true }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
