// Before anything loads libtorch: its OpenMP threads then wait passively instead of spinning.
Platform.Training.Runtime.OpenMpPolicy.PreferPassive();
return await Platform.Client.Cli.RunAsync(args);
