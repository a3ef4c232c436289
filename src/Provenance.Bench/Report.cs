using System.Globalization;
using Npgsql;

namespace Provenance.Bench;

/// <summary>Prints benchmark figures as aligned lines that can be pasted into the README.</summary>
public static class Report
{
    public static void Header(string name, string? connection)
    {
        Console.WriteLine($"# {name} — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"# machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        if (connection is not null)
        {
            try
            {
                using var conn = new NpgsqlConnection(connection);
                conn.Open();
                Console.WriteLine($"# database: PostgreSQL {conn.PostgreSqlVersion}");
            }
            catch (NpgsqlException e)
            {
                Console.WriteLine($"# database: unreachable ({e.Message})");
            }
        }
    }

    static readonly List<string> Lines = [];

    public static void Line(string what, string workload, string figure, string extra)
    {
        var line = $"{what,-34} {workload,-44} {figure,16} {extra}";
        lock (Lines)
        {
            Lines.Add(line);
        }
        Console.WriteLine(line);
    }

    /// <summary>Prints again every figure line so far, for a run long enough that they scrolled away.</summary>
    public static void Summary(string name)
    {
        Console.WriteLine();
        Console.WriteLine($"# summary: {name}");
        lock (Lines)
        {
            Lines.ForEach(Console.WriteLine);
        }
    }

    public static void Progress(string message) => Console.Error.WriteLine($"  .. {message}");

    public static void Latency(string what, List<double> milliseconds, string extra)
    {
        milliseconds.Sort();
        double P(double q) => milliseconds[Math.Min(milliseconds.Count - 1, (int)Math.Ceiling(q * milliseconds.Count) - 1)];
        Line(what, $"{milliseconds.Count:N0} queries",
            string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.50):F2} ms"),
            string.Create(CultureInfo.InvariantCulture, $"p95 {P(0.95):F2} ms  p99 {P(0.99):F2} ms  max {milliseconds[^1]:F2} ms  {extra}"));
    }
}
