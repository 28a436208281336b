using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Client.Jobs;

namespace Platform.Client.Tests.Jobs;

public sealed class ClusterConnectionTests
{
    [Fact]
    public async Task The_silo_inside_train_keeps_its_own_warnings_off_the_users_console()
    {
        await using var connection = await ClusterConnection.OpenAsync(null);
        var logs = connection.Services.GetRequiredService<ILoggerFactory>();

        // The watchdog warns about its own threads when the machine is busy: nothing for the user to act on.
        Assert.False(logs.CreateLogger("Orleans.Runtime.Watchdog").IsEnabled(LogLevel.Warning));
        Assert.False(logs.CreateLogger("Orleans.Runtime.Silo").IsEnabled(LogLevel.Warning));
        Assert.True(logs.CreateLogger("Orleans.Runtime.Watchdog").IsEnabled(LogLevel.Error));

        // The platform's own warnings (a rank failed, a rollback) still reach the user.
        Assert.True(logs.CreateLogger("Platform.Grains.Jobs.TrainingJobGrain").IsEnabled(LogLevel.Warning));
    }
}
