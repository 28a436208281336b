using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Platform.Grains;
using Platform.Grains.Collectives;
using Platform.Grains.Jobs;
using StackExchange.Redis;
using Platform.Grains.Placement;
using Platform.Grains.Telemetry;
using Platform.Grains.Workers;
using Platform.Silo.Telemetry;

namespace Platform.Silo.Hosting;

/// <summary>Adds the platform's Orleans silo to a host: clustering, job storage, clock.</summary>
public static class SiloHosting
{
    public static IHostApplicationBuilder AddPlatformSilo(this IHostApplicationBuilder builder, SiloOptions options)
    {
        builder.UseOrleans(silo =>
        {
            if (options.InKubernetes)
            {
                // Pod identity, and silos whose pods are gone are declared dead at once (the pods RBAC of deploy/k8s).
                silo.UseKubernetesHosting();
            }

            if (options.SiloName is { } name)
            {
                silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = name);
            }

            if (options.Clustering == ClusteringKind.Redis)
            {
                silo.UseRedisClustering(options.Redis!)
                    .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId))
                    .Configure<EndpointOptions>(o =>
                    {
                        o.AdvertisedIPAddress = options.AdvertisedAddress ?? IPAddress.Loopback;
                        o.SiloPort = options.SiloPort;
                        o.GatewayPort = options.GatewayPort;
                    });
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, options.Primary, options.ServiceId, options.ClusterId);
            }

            if (options.Tls is { } tls)
            {
                silo.UseTls(tls.Configure);
            }

            // A dead silo must leave membership within seconds, not the default tens of seconds: a job
            // rebuilding its ranks waits for it (new activations follow membership).
            silo.Configure<ClusterMembershipOptions>(o => (o.ProbeTimeout, o.NumMissedProbesLimit) = (TimeSpan.FromSeconds(2), 3));
            silo.AddPlatformGrains(
                jobs => AddJobStorage(jobs, options),
                new JobStorageSettings
                {
                    CheckpointRoot = options.CheckpointDir is { } dir ? Path.GetFullPath(dir) : null,
                    DataRoot = options.DataRoot is { } data ? Path.GetFullPath(data) : null,
                },
                new UserCodePolicy { Allowed = options.AllowUserCode },
                new SiloDevice { Name = options.Device });
        });
        // A stopping silo drains its ranks (a checkpoint, then the job moves them) before it goes.
        // (DOTNET_SHUTDOWNTIMEOUTSECONDS, as deploy/k8s sets it, takes precedence.)
        if (builder.Configuration["shutdownTimeoutSeconds"] is null)
        {
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(90));
        }

        if (options.MetricsPort > 0)
        {
            builder.Services.AddSingleton(options);
            builder.Services.AddHostedService<HealthEndpoint>();
        }

        return builder.AddPlatformTelemetry(options);
    }

    private static void AddJobStorage(ISiloBuilder silo, SiloOptions options)
    {
        switch (options.Storage)
        {
            case StorageKind.Redis:
                silo.AddRedisGrainStorage(StorageNames.Jobs, o => o.ConfigurationOptions = ConfigurationOptions.Parse(options.Redis!));
                break;
            case StorageKind.Postgres:
                // The schema must exist before the storage reads its statements from it at start.
                silo.Services.AddHostedService(_ => new PostgresSchema(options.Postgres!));
                silo.AddAdoNetGrainStorage(StorageNames.Jobs, o => (o.Invariant, o.ConnectionString) = ("Npgsql", options.Postgres!));
                break;
            default:
                silo.AddMemoryGrainStorage(StorageNames.Jobs);
                break;
        }
    }

    /// <summary>
    /// What the grains need from any silo, whatever its clustering: job storage (memory unless
    /// <paramref name="storage"/> registers another under <see cref="StorageNames.Jobs"/>), where
    /// checkpoints go, and a clock.
    /// </summary>
    public static ISiloBuilder AddPlatformGrains(this ISiloBuilder silo, Action<ISiloBuilder>? storage = null, JobStorageSettings? settings = null, UserCodePolicy? userCode = null, SiloDevice? device = null)
    {
        if (storage is null)
        {
            silo.AddMemoryGrainStorage(StorageNames.Jobs);
        }
        else
        {
            storage(silo);
        }

        silo.Services.TryAddSingleton(settings ?? new JobStorageSettings());
        silo.Services.TryAddSingleton(userCode ?? new UserCodePolicy());
        silo.Services.TryAddSingleton(device ?? new SiloDevice());
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddPlacementDirector<RankPlacementStrategy, RankPlacementDirector>();
        silo.Services.TryAddSingleton<TensorTransportService>();
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<TrainingInstruments>();
        silo.Services.TryAddSingleton<LocalWorkers>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloDrain>();
        return silo;
    }

    /// <summary>Options for a silo living inside another process: free loopback ports, no gateway.</summary>
    /// <remarks>It runs user code: the user who starts <c>train</c> runs their own model on their own machine.</remarks>
    public static SiloOptions Embedded(int metricsPort = 0) => new() { SiloPort = Endpoints.FreePort(), GatewayPort = 0, MetricsPort = metricsPort, AllowUserCode = true };
}
