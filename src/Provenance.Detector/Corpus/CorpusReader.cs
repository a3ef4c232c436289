using System.Security.Cryptography;
using System.Text.Json;

namespace Provenance.Detector.Corpus;

/// <summary>Reads labelled JSONL corpora. The corpus stays where it is; nothing is copied.</summary>
public static class CorpusReader
{
    /// <summary>
    /// Resolves a corpus argument: a .jsonl file as given, or a folder holding <paramref name="defaultFile"/>
    /// (train.jsonl for training, dev.jsonl for evaluation).
    /// </summary>
    public static string Resolve(string path, string defaultFile)
    {
        if (Directory.Exists(path))
        {
            var file = Path.Combine(path, defaultFile);
            return File.Exists(file) ? file : throw new FileNotFoundException($"Corpus folder {path} has no {defaultFile}.", file);
        }
        return File.Exists(path) ? path : throw new FileNotFoundException($"Corpus file {path} does not exist.", path);
    }

    /// <summary>Streams the documents of a JSONL file; a malformed line fails with its line number.</summary>
    public static IEnumerable<CorpusDocument> Read(string file)
    {
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            CorpusDocument? document;
            try
            {
                document = JsonSerializer.Deserialize(line, CorpusJsonContext.Default.CorpusDocument);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{file}:{lineNumber}: not a JSON object ({e.Message})", e);
            }
            if (document is null || document.Text is null || document.Label is null)
            {
                throw new InvalidDataException($"{file}:{lineNumber}: needs \"text\" and \"label\".");
            }
            _ = document.LabelIndex;
            yield return document;
        }
    }

    /// <summary>SHA-256 of the file's bytes, recorded in the manifest so a model names exactly what it learned from.</summary>
    public static string Digest(string file)
    {
        using var stream = File.OpenRead(file);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
