using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Provenance.Cli.Hosting;

/// <summary>Shows a detector's or scorer's own log lines (execution provider, GPU fallback) on standard error.</summary>
internal sealed class ConsoleLogger(IAnsiConsole err) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var color = logLevel >= LogLevel.Warning ? "yellow" : "grey";
        err.MarkupLineInterpolated($"[{color}]{formatter(state, exception)}[/]");
    }
}
