using Microsoft.Extensions.Logging;

namespace Provenance.Testing;

/// <summary>Collects a host's log lines, so a failing test can show what the host was doing.</summary>
public sealed class LogSink : ILoggerProvider
{
    readonly List<string> _lines = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public string Text
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines.TakeLast(200));
            }
        }
    }

    public void Dispose()
    {
    }

    sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (sink._lines)
            {
                sink._lines.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
