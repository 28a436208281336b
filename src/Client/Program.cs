return await Platform.Client.Cli.RunAsync(args);
