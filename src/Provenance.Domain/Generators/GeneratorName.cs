namespace Provenance.Domain.Generators;

/// <summary>
/// A model that writes text, named <c>name@version</c> (for example <c>gpt-4o@2024-08-06</c>). The version may
/// be left out (<c>llama-3-8b</c>), in which case it is empty.
/// </summary>
public sealed record GeneratorName(string Name, string Version)
{
    public const int MaxLength = 200;

    public override string ToString() => Version.Length == 0 ? Name : $"{Name}@{Version}";

    public static bool TryParse(string? text, out GeneratorName generator, out string? error)
    {
        generator = new GeneratorName("", "");
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "generator is empty; name it as name@version, for example gpt-4o@2024-08-06.";
            return false;
        }
        text = text.Trim();
        if (text.Length > MaxLength)
        {
            error = $"generator '{text[..40]}…' is longer than {MaxLength} characters.";
            return false;
        }
        if (StoredValues.Line("generator", text) is { } unstorable)
        {
            error = unstorable;
            return false;
        }
        var at = text.LastIndexOf('@');
        var name = at < 0 ? text : text[..at];
        var version = at < 0 ? "" : text[(at + 1)..];
        if (name.Length == 0 || (at >= 0 && version.Length == 0))
        {
            error = $"generator '{text}' is not of the form name@version (for example gpt-4o@2024-08-06).";
            return false;
        }
        generator = new GeneratorName(name, version);
        error = null;
        return true;
    }
}
