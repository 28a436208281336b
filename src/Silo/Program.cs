return await Platform.Silo.SiloProgram.RunAsync(args);
