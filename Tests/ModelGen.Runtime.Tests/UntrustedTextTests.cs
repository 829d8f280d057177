namespace ModelGen.Runtime.Tests;

/// <summary>Untrusted text in messages: what is escaped, what is kept, and where it is cut.</summary>
public sealed class UntrustedTextTests
{
    [Theory]
    [InlineData("dense0.weight", "dense0.weight")]
    [InlineData("\u001b[31mred\u001b[0m", "\\u001b[31mred\\u001b[0m")]
    [InlineData("a\r\nb\tc", "a\\r\\nb\\tc")]
    [InlineData("\u0000\u007f\u0085", "\\u0000\\u007f\\u0085")]
    [InlineData("abc\u202egnp.exe", "abc\\u202egnp.exe")]
    [InlineData("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff")]
    [InlineData("line\u2028para\u2029", "line\\u2028para\\u2029")]
    [InlineData("\u00e9t\u00e9 \U0001F600 \u4e2d", "\u00e9t\u00e9 \U0001F600 \u4e2d")]
    public void ShowEscapesWhatWouldActOnATerminalAndKeepsTheRest(string text, string shown) =>
        Assert.Equal(shown, UntrustedText.Show(text));

    [Fact]
    public void ALoneSurrogateIsEscaped()
    {
        // Not as InlineData: test discovery passes the strings through UTF-8, which turns lone surrogates into U+FFFD.
        Assert.Equal("\\ud800lone", UntrustedText.Show("\ud800lone"));
        Assert.Equal("lone\\udc00", UntrustedText.Show("lone\udc00"));
        Assert.Equal("\\udc00\\ud800", UntrustedText.Show("\udc00\ud800"));
    }

    [Fact]
    public void LongTextIsCutWithAnEllipsisAndItsLength()
    {
        string shown = UntrustedText.Show(new string('x', 100_000));

        Assert.Equal(new string('x', UntrustedText.Limit) + "\u2026 (100000 characters)", shown);
    }

    [Fact]
    public void EscapesCountTowardsTheLimitAndAreNeverCutInHalf()
    {
        string shown = UntrustedText.Show(new string('\u001b', 100), limit: 20);

        Assert.Equal("\\u001b\\u001b\\u001b\u2026 (100 characters)", shown);
    }

    [Fact]
    public void ASurrogatePairIsNeverCutInHalf()
    {
        string shown = UntrustedText.Show("abc\U0001F600", limit: 4);

        Assert.Equal("abc\u2026 (5 characters)", shown);
    }

    [Fact]
    public void Utf8IsDecodedLenientlyAndOnlyAsFarAsTheLimitShows()
    {
        Assert.Equal("a\ufffdb\\u001b", UntrustedText.ShowUtf8([(byte)'a', 0xFF, (byte)'b', 0x1B]));
        byte[] huge = new byte[10_000_000];
        huge.AsSpan().Fill((byte)'y');

        Assert.Equal(new string('y', UntrustedText.Limit) + "\u2026 (10000000 bytes)", UntrustedText.ShowUtf8(huge));
    }

    [Fact]
    public void AShapeOfManyDimensionsIsSummarised()
    {
        Assert.Equal("(2, 3)", UntrustedText.Shape([2, 3], 2));
        Assert.Equal("()", UntrustedText.Shape([], 0));
        Assert.Equal("(1, 1, 1, 1, 1, 1, 1, 1, \u2026 1000000 dimensions)", UntrustedText.Shape([1, 1, 1, 1, 1, 1, 1, 1, 1], 1_000_000));
    }

    [Fact]
    public void ALongListOfNamesIsCut()
    {
        string[] names = [.. Enumerable.Range(0, 30).Select(i => $"t{i}")];

        Assert.Equal("t0, t1, t2, and 27 more", UntrustedText.List(names, shown: 3));
        Assert.Equal("t0, t1", UntrustedText.List(names[..2], shown: 3));
    }
}
