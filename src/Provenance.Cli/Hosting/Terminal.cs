using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Provenance.Cli.Hosting;

/// <summary>
/// What the registry stores reaches a curator's terminal through the human-readable output, and a stored control
/// character (ESC, BEL, a C1 code) would be obeyed by the terminal rather than shown. The registry refuses them in
/// metadata, but rows written before it did may hold them and a problem's detail quotes what a client sent, so every
/// value from the registry is printed through here: control characters become visible <c>\u001B</c> escapes.
/// </summary>
internal static class Terminal
{
    /// <summary>A single-line value for a table cell or markup: every control character escaped, then markup.</summary>
    public static string Escape(string? value) => Markup.Escape(Line(value));

    /// <summary>A single-line value for interpolated markup (which escapes markup itself): every control character escaped.</summary>
    public static string Line(string? value) => Escaped(value ?? "", keepLayout: false);

    /// <summary>Text printed as it is, such as a document: tab and line feed kept, every other control character escaped.</summary>
    public static string Text(string value) => Escaped(value, keepLayout: true);

    static string Escaped(string value, bool keepLayout)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (char.IsControl(c) && !(keepLayout && c is '\t' or '\n'))
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
