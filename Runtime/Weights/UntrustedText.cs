using System.Globalization;
using System.Text;

namespace ModelGen;

/// <summary>
/// Text from a file someone else wrote (tensor names, dtypes, shapes), made safe to put in a message: characters that
/// would act on a terminal or hide text (control characters such as ESC, bidirectional overrides, zero-width and
/// line separators, lone surrogates) are shown as <c>\u001b</c>-style escapes, and long text is cut with an ellipsis.
/// </summary>
internal static class UntrustedText
{
    /// <summary>The most characters a piece of untrusted text takes in a message, escapes included.</summary>
    public const int Limit = 200;

    /// <summary>Dimensions of an untrusted shape shown before the rest is summarised.</summary>
    public const int ShownDimensions = 8;

    /// <summary>
    /// <paramref name="text"/> escaped and, when longer than <paramref name="limit"/> characters, cut with an ellipsis
    /// and its full length: <c>abc… (100000 characters)</c>.
    /// </summary>
    public static string Show(ReadOnlySpan<char> text, int limit = Limit)
    {
        var shown = new StringBuilder(Math.Min(text.Length, limit) + 32);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            string? escape = pair ? null : Escape(c);
            int width = pair ? 2 : escape?.Length ?? 1;
            if (shown.Length + width > limit)
            {
                shown.Append('\u2026').Append(CultureInfo.InvariantCulture, $" ({text.Length} characters)");
                return shown.ToString();
            }

            if (pair)
            {
                shown.Append(c).Append(text[++i]);
            }
            else if (escape is not null)
            {
                shown.Append(escape);
            }
            else
            {
                shown.Append(c);
            }
        }

        return shown.ToString();
    }

    /// <summary>
    /// UTF-8 bytes of untrusted text shown as <see cref="Show"/> does; invalid sequences become U+FFFD. Reads no more
    /// than the bytes the limit can show, so a huge value costs no more than a short one.
    /// </summary>
    public static string ShowUtf8(ReadOnlySpan<byte> utf8, int limit = Limit)
    {
        // A character takes at most 4 bytes; a few more than the limit shows are enough to know the text was cut.
        int read = (int)Math.Min(utf8.Length, (limit + 1) * 4L);
        string text = Encoding.UTF8.GetString(utf8[..read]);
        if (read == utf8.Length)
        {
            return Show(text, limit);
        }

        string shown = Show(text, limit);
        int cut = shown.LastIndexOf('\u2026');
        return (cut >= 0 ? shown[..cut] : shown) + $"\u2026 ({utf8.Length} bytes)";
    }

    /// <summary>
    /// A shape read from a file: <c>(2, 3)</c>, or its first <see cref="ShownDimensions"/> dimensions and its rank,
    /// <c>(1, 1, 1, 1, 1, 1, 1, 1, … 1000000 dimensions)</c>. <paramref name="first"/> holds the dimensions kept
    /// (at least the first <see cref="ShownDimensions"/> of them when the rank is larger).
    /// </summary>
    public static string Shape(ReadOnlySpan<int> first, long rank)
    {
        var shown = new StringBuilder("(");
        int count = (int)Math.Min(first.Length, rank > ShownDimensions ? ShownDimensions : rank);
        for (int i = 0; i < count; i++)
        {
            shown.Append(i == 0 ? "" : ", ").Append(first[i].ToString(CultureInfo.InvariantCulture));
        }

        if (rank > count)
        {
            shown.Append(CultureInfo.InvariantCulture, $", \u2026 {rank} dimensions");
        }

        return shown.Append(')').ToString();
    }

    /// <summary>Names from a trusted list (a model's tensors), the first <paramref name="shown"/> of them, then how many more.</summary>
    public static string List(IReadOnlyCollection<string> names, int shown = 20) =>
        names.Count <= shown
            ? string.Join(", ", names)
            : string.Join(", ", names.Take(shown)) + $", and {names.Count - shown} more";

    // How a character is shown when it must not act: \n, \r and \t as in C# and JSON, any other as \u001b.
    private static string? Escape(char c) => c switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ when NeedsEscape(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
        _ => null,
    };

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            // Zero-width characters and bidirectional controls (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF...)
            // and the line and paragraph separators, which end a line on some terminals.
            UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
            _ => false,
        };
}
