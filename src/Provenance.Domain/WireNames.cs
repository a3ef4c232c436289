using System.Collections.Frozen;
using System.Text;

namespace Provenance.Domain;

/// <summary>
/// The snake_case names the registry uses for its enums on the wire and in the database
/// (<c>synthetic</c>, <c>paraphrase_of</c>), with parsing that tells the caller what was expected.
/// </summary>
public static class WireNames
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => Cache<TEnum>.Names[value];

    /// <summary>All accepted names of <typeparamref name="TEnum"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => Cache<TEnum>.Ordered;

    public static bool TryParse<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        return name is not null && Cache<TEnum>.Values.TryGetValue(name.Trim(), out value);
    }

    /// <summary>A sentence that says why <paramref name="name"/> was not accepted and what would be.</summary>
    /// <param name="field">The field as the caller wrote it, such as <c>declared.class</c> or <c>parents[2].relation</c>.</param>
    public static string Explain<TEnum>(string field, string? name) where TEnum : struct, Enum =>
        string.IsNullOrWhiteSpace(name)
            ? $"{field} is missing; expected one of: {string.Join(", ", All<TEnum>())}."
            : $"{field} '{name}' is not one of: {string.Join(", ", All<TEnum>())}.";

    static string ToSnakeCase(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    static class Cache<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> Names =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => ToSnakeCase(v.ToString()));

        public static readonly FrozenDictionary<string, TEnum> Values =
            Names.ToFrozenDictionary(kv => kv.Value, kv => kv.Key, StringComparer.OrdinalIgnoreCase);

        public static readonly IReadOnlyList<string> Ordered = [.. Enum.GetValues<TEnum>().Select(v => Names[v])];
    }
}
