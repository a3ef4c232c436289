using Provenance.Cli.Hosting;

return await CliApp.Build().Parse(args).InvokeAsync();
