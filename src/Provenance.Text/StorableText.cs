namespace Provenance.Text;

/// <summary>
/// Which strings PostgreSQL can store. Its <c>text</c> cannot hold NUL (U+0000), and what Npgsql sends must be
/// UTF-8, which has no encoding for half of a UTF-16 surrogate pair; anything else is storable. Every string that
/// reaches the database passes this check first, so a client's bad character gets an answer naming the field instead
/// of failing the statement (and the batch) with SQLSTATE 22021.
/// </summary>
public static class StorableText
{
    /// <summary>The position of the first character PostgreSQL cannot store, or -1 when there is none.</summary>
    public static int FirstUnstorable(ReadOnlySpan<char> s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\0')
            {
                return i;
            }
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Null when <paramref name="value"/> is storable, otherwise a sentence that names <paramref name="field"/>.</summary>
    /// <param name="field">The field as the client wrote it, such as <c>licence</c> or <c>parents[2].paramsHash</c>.</param>
    public static string? Check(string field, ReadOnlySpan<char> value)
    {
        var i = FirstUnstorable(value);
        return i < 0 ? null
            : value[i] == '\0' ? $"{field} contains a NUL character at position {i}; remove it."
            : $"{field} is not valid Unicode: an unpaired surrogate at position {i} cannot be encoded as UTF-8.";
    }
}
