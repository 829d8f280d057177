using System.Globalization;
using System.Text;

namespace ModelGen.Data;

/// <summary>
/// Shows text that came from a file (a CSV cell, a column name, a field of a preparation file) inside a message:
/// characters that a terminal would act on or hide (control characters, the escape of ANSI sequences, bidirectional
/// overrides, unpaired surrogates) are written as <c>\uXXXX</c>, bytes that are not text as <c>\xNN</c>, and anything
/// longer than <see cref="MaxShown"/> characters is cut with an ellipsis and its full length.
/// </summary>
internal static class Untrusted
{
    /// <summary>The most characters of one piece of untrusted text a message shows.</summary>
    public const int MaxShown = 200;

    /// <summary>The text escaped and cut, in single quotes: <c>'col\u001b[31m'</c>.</summary>
    public static string Quote(ReadOnlySpan<char> text) => $"'{Show(text)}'";

    /// <summary>The text escaped and cut (see the class summary), without quotes.</summary>
    public static string Show(ReadOnlySpan<char> text)
    {
        var shown = new StringBuilder(Math.Min(text.Length, MaxShown) + 16);
        var i = 0;
        for (; i < text.Length && shown.Length < MaxShown; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                shown.Append(c).Append(text[++i]);
            }
            else if (NeedsEscape(c))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                shown.Append(c);
            }
        }
        if (i < text.Length) shown.Append(CultureInfo.InvariantCulture, $"… ({text.Length:N0} characters)");
        return shown.ToString();
    }

    /// <summary>Bytes as <c>\xNN</c> each, at most <see cref="MaxShown"/> / 4 of them.</summary>
    public static string ShowBytes(ReadOnlySpan<byte> bytes)
    {
        const int most = MaxShown / 4;
        var shown = new StringBuilder(Math.Min(bytes.Length, most) * 4 + 16);
        foreach (var b in bytes[..Math.Min(bytes.Length, most)]) shown.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
        if (bytes.Length > most) shown.Append(CultureInfo.InvariantCulture, $"… ({bytes.Length:N0} bytes)");
        return shown.ToString();
    }

    /// <summary>Bytes in single quotes, printable ASCII as it is and every other byte as <c>\xNN</c>: <c>'PK\x03\x04'</c>.</summary>
    public static string QuoteBytes(ReadOnlySpan<byte> bytes)
    {
        var shown = new StringBuilder("'", Math.Min(bytes.Length, MaxShown) + 16);
        var i = 0;
        for (; i < bytes.Length && shown.Length <= MaxShown; i++)
        {
            var b = bytes[i];
            if (b is >= 0x20 and < 0x7F) shown.Append((char)b);
            else shown.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
        }
        shown.Append('\'');
        if (i < bytes.Length) shown.Append(CultureInfo.InvariantCulture, $"… ({bytes.Length:N0} bytes)");
        return shown.ToString();
    }

    /// <summary>
    /// C0 and C1 controls (tab and newline included: a message is one line), DEL, unpaired surrogates, and the
    /// invisible formatting characters that reorder or hide text (bidirectional marks and overrides, zero-width
    /// characters, the byte order mark, line and paragraph separators).
    /// </summary>
    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || char.IsSurrogate(c)
        || c is (>= '\u200b' and <= '\u200f') or (>= '\u2028' and <= '\u202e') or (>= '\u2060' and <= '\u206f') or '\ufeff';
}
