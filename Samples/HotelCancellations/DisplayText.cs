using System.Globalization;
using System.Text;

namespace ModelGen.Samples.HotelCancellations;

/// <summary>
/// Text from the bookings file (or a path typed by the user) as a message shows it: control and format characters
/// (an ANSI escape sequence, a line break, a right-to-left override) escaped as \u001b, and at most
/// <see cref="Limit"/> characters, so a bad cell can neither drive the terminal nor fill the screen.
/// </summary>
internal static class DisplayText
{
    /// <summary>The most characters one piece of file text takes in a message, escapes included.</summary>
    public const int Limit = 200;

    /// <summary>The most characters a whole message from a loader takes (a path and a quoted piece of the file fit).</summary>
    public const int MessageLimit = 1000;

    /// <summary><paramref name="text"/> in single quotes, escaped and cut: <c>'abc'</c>, <c>'a\u001b[31m'</c>, <c>'abc… (100000 characters)'</c>.</summary>
    public static string Quote(ReadOnlySpan<char> text) => "'" + Escape(text) + "'";

    /// <summary>
    /// <paramref name="text"/> escaped and, when longer than <paramref name="limit"/> characters, cut with an ellipsis and
    /// its full length. A surrogate pair is kept whole; a lone surrogate is escaped.
    /// </summary>
    public static string Escape(ReadOnlySpan<char> text, int limit = Limit)
    {
        var shown = new StringBuilder(Math.Min(text.Length, limit) + 32);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            int width = pair ? 2 : NeedsEscape(c) ? 6 : 1;
            if (shown.Length + width > limit)
            {
                return shown.Append(CultureInfo.InvariantCulture, $"\u2026 ({text.Length} characters)").ToString();
            }

            if (pair)
            {
                shown.Append(c).Append(text[++i]);
            }
            else if (width == 6)
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        return shown.ToString();
    }

    private static bool NeedsEscape(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
}
