namespace ModelGen.Data;

/// <summary>A text reader that refuses to give more than a number of characters (CSV text given as a reader).</summary>
internal sealed class LimitedTextReader(TextReader source, long maxCharacters) : TextReader
{
    private long total;

    public override int Peek() => source.Peek();

    public override int Read()
    {
        var c = source.Read();
        if (c >= 0) Count(1);
        return c;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var read = source.Read(buffer);
        Count(read);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) source.Dispose();
        base.Dispose(disposing);
    }

    private void Count(int read)
    {
        total += read;
        if (total > maxCharacters)
            throw new InvalidDataException($"it holds more than {maxCharacters:N0} characters (CsvReadOptions.MaxBytes; give a larger limit to read it)");
    }
}
