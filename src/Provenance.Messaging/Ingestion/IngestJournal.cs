using System.Globalization;

namespace Provenance.Messaging.Ingestion;

/// <summary>
/// Remembers which batches the registry confirmed, one line per batch, so an interrupted ingest resumes without
/// sending them again. A line is written only after the confirmation arrives; a batch sent but not confirmed is
/// sent again on resume, which is harmless because registration is idempotent.
/// </summary>
public sealed class IngestJournal : IDisposable
{
    readonly Dictionary<(string Fingerprint, int Batch), BatchCounts> _confirmed = [];
    readonly StreamWriter _writer;
    readonly Lock _gate = new();

    public IngestJournal(string path)
    {
        Path = path;
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                var f = line.Split('\t');
                if (f.Length == 6 && int.TryParse(f[1], CultureInfo.InvariantCulture, out var batch))
                {
                    _confirmed[(f[0], batch)] = new BatchCounts(int.Parse(f[2], CultureInfo.InvariantCulture),
                        int.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture), int.Parse(f[5], CultureInfo.InvariantCulture));
                }
            }
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _writer = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    public string Path { get; }

    public bool TryGet(string fingerprint, int batch, out BatchCounts counts)
    {
        lock (_gate)
        {
            return _confirmed.TryGetValue((fingerprint, batch), out counts);
        }
    }

    public void Confirm(string fingerprint, int batch, BatchCounts counts)
    {
        lock (_gate)
        {
            if (_confirmed.TryAdd((fingerprint, batch), counts))
            {
                _writer.WriteLine(string.Join('\t', fingerprint, batch, counts.Sent, counts.Created, counts.Existing, counts.Rejected));
            }
        }
    }

    public void Dispose() => _writer.Dispose();
}

/// <summary>What the registry did with one batch.</summary>
public readonly record struct BatchCounts(int Sent, int Created, int Existing, int Rejected);
