using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Provenance.Domain.Access;

/// <summary>
/// What an API key's name may be. The name is recorded as the registrant and asserter of what the key writes, so two
/// names that look the same must be the same name: characters that print nothing or reorder the text around them
/// (zero-width spaces and joiners, bidirectional controls, other format and control characters) are refused.
/// </summary>
public static class KeyNames
{
    public const int MaxLength = 100;

    /// <summary>Whether <paramref name="name"/> (already trimmed) is a valid key name; if not, <paramref name="problem"/> says why.</summary>
    public static bool IsValid([NotNullWhen(true)] string? name, [NotNullWhen(false)] out string? problem)
    {
        problem = Problem(name);
        return problem is null;
    }

    static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return $"name must be 1 to {MaxLength} printable characters, such as crawler-commoncrawl.";
        }
        var at = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (Invisible(rune) is { } kind)
            {
                return $"name holds {kind} U+{rune.Value:X4} at position {at}, which would let two different names look "
                       + "alike; use printable characters only, such as crawler-commoncrawl.";
            }
            at += rune.Utf16SequenceLength;
        }
        return null;
    }

    static string? Invisible(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control => "the control character",
        UnicodeCategory.Format => "the invisible format character",
        UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => "the line separator",
        UnicodeCategory.PrivateUse => "the private-use character",
        _ => rune == Rune.ReplacementChar ? "the replacement character" : null,
    };
}
