using System.Globalization;
using System.Text.Json;
using Provenance.Text;

namespace Provenance.Domain;

/// <summary>
/// The rules every client-supplied value meets before it is stored, whichever endpoint or message carries it: the
/// registry's one definition of "PostgreSQL can store this" (<see cref="StorableText"/>, the same check document
/// texts pass), plus what each kind of field may contain. Each check answers null, or a sentence that names the
/// field as the client wrote it, such as <c>licence</c> or <c>parents[2].paramsHash</c>.
/// </summary>
public static class StoredValues
{
    /// <summary>The most digits after the decimal point a number in stored JSON may have (jsonb's numeric allows more).</summary>
    public const int MaxJsonNumberScale = 1000;

    /// <summary>
    /// A single-line metadata value (licence, crawler, parameters hash, vendor): storable, and without control
    /// characters (C0, DEL, C1), which have no place in an identifier and would reach a curator's terminal raw.
    /// </summary>
    public static string? Line(string field, string? value) =>
        Checked(field, value, lineBreaks: false, "is a single line of printable text");

    /// <summary>Free text kept with metadata (a curator's note): storable; tab and line breaks are its only control characters.</summary>
    public static string? FreeText(string field, string? value) =>
        Checked(field, value, lineBreaks: true, "may contain tabs and line breaks but no other control characters");

    static string? Checked(string field, string? value, bool lineBreaks, string rule)
    {
        if (value is null)
        {
            return null;
        }
        if (StorableText.Check(field, value) is { } error)
        {
            return error;
        }
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]) && !(lineBreaks && value[i] is '\t' or '\n' or '\r'))
            {
                return $"{field} contains the control character U+{(int)value[i]:X4} at position {i}; {field} {rule}.";
            }
        }
        return null;
    }

    /// <summary>
    /// JSON that PostgreSQL's <c>jsonb</c> can store: every string and member name storable (jsonb refuses
    /// <c>\u0000</c> and unpaired surrogate escapes), every number finite as a double and with at most
    /// <see cref="MaxJsonNumberScale"/> digits after the decimal point (jsonb's numeric has a narrower exponent range
    /// than JSON's grammar).
    /// </summary>
    public static string? Json(string field, JsonElement value) => JsonAt(field, value);

    static string? JsonAt(string path, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                {
                    if (!TryRead(() => member.Name, out var name))
                    {
                        return $"{path} has a member name with an unpaired surrogate escape, which is not a character; fix the escape.";
                    }
                    if (StorableText.Check($"a member name of {path}", name) is { } error)
                    {
                        return error;
                    }
                    if (JsonAt($"{path}.{name}", member.Value) is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (JsonAt($"{path}[{index++}]", item) is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.String:
                return TryRead(value.GetString, out var text)
                    ? StorableText.Check(path, text)
                    : $"{path} has an unpaired surrogate escape, which is not a character; fix the escape.";
            case JsonValueKind.Number:
                return NumberFits(value) ? null
                    : $"{path} is the number {Shorten(value.GetRawText())}, which the registry cannot store: numbers must lie within ±1.7e308 and have at most {MaxJsonNumberScale} digits after the decimal point.";
            default:
                return null;
        }
    }

    static bool NumberFits(JsonElement number)
    {
        if (!number.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            return false;
        }
        var raw = number.GetRawText();
        var e = raw.IndexOfAny(['e', 'E']);
        var mantissa = e < 0 ? raw : raw[..e];
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        long scale = point < 0 ? 0 : mantissa.Length - point - 1;
        if (e >= 0)
        {
            // PostgreSQL's numeric input refuses large exponents whatever the digits before them.
            if (!int.TryParse(raw.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent)
                || exponent is > MaxJsonNumberScale or < -MaxJsonNumberScale)
            {
                return false;
            }
            scale -= exponent;
        }
        return scale <= MaxJsonNumberScale;
    }

    static bool TryRead(Func<string?> read, out string value)
    {
        try
        {
            value = read() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json unescapes lazily and throws here for an escaped half of a surrogate pair.
            value = "";
            return false;
        }
    }

    static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "…";
}
