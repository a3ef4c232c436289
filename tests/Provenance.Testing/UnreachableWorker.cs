namespace Provenance.Testing;

/// <summary>
/// Settings for a detector worker whose database and broker do not answer (nothing listens on port 1), probing on a
/// free port: tests of what the worker does before, or without, reaching either.
/// </summary>
public static class UnreachableWorker
{
    /// <summary>The unreachable connection strings, then <paramref name="settings"/> on top.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Registry"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=none;Timeout=2",
            ["ConnectionStrings:Broker"] = "amqp://guest:guest@127.0.0.1:1/",
            ["Worker:HealthPort"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return all;
    }
}
