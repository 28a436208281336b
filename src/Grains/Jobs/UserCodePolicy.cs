namespace Platform.Grains.Jobs;

/// <summary>
/// Whether this silo runs code that comes with a job (a user's assembly, a TorchScript file). Off
/// unless the operator allows it (<c>platform silo --allow-user-code</c>); the silo inside
/// <c>platform train</c> allows it, since the user runs it on their own machine.
/// </summary>
public sealed class UserCodePolicy
{
    /// <summary>Default false: a job whose model is user code is refused.</summary>
    public bool Allowed { get; init; }

    public string RefusalFor(string silo) =>
        $"silo {silo} does not run user code (assembly models and TorchScript files); its operator must start it with --allow-user-code (PLATFORM_ALLOW_USER_CODE=true)";
}
