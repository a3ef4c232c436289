using Provenance.Cli.Hosting;

return await CliApp.Build(CliContext.ForConsole()).Parse(args).InvokeAsync();
