using System.Text;

namespace ModelGen.Data;

/// <summary>
/// The bytes of a CSV file on their way to the text reader: counted against a limit (after decompression, so a small
/// gzip cannot expand without bound), checked to be UTF-8 (a byte that is not would otherwise become U+FFFD
/// silently), and counted in lines so that a refusal names the line. Problems are
/// <see cref="InvalidDataException"/>s without the file's name, which the reader adds.
/// </summary>
internal sealed class Utf8Input(Stream source, long maxBytes, bool decompressed) : Stream
{
    private readonly byte[] pending = new byte[4];
    private int pendingCount;
    private long total;
    private long lineBreaks;
    private bool lastWasCarriageReturn;
    private bool ended;

    /// <summary>The line the data read so far ends in (1-based; lines end at \n, \r\n or a lone \r).</summary>
    public long Line => lineBreaks + 1;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (ended || buffer.IsEmpty) return 0;
        int read;
        try
        {
            read = source.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{e.Message} (the data read ends in line {Line:N0})", e);
        }
        if (read == 0)
        {
            ended = true;
            if (pendingCount > 0) throw NotUtf8(pending.AsSpan(0, pendingCount), 0, default);
            return 0;
        }
        total += read;
        if (total > maxBytes)
        {
            throw new InvalidDataException(
                $"it holds more than {maxBytes:N0} bytes{(decompressed ? " once decompressed" : "")} (CsvReadOptions.MaxBytes; give a larger limit to read it)");
        }
        var data = buffer[..read];
        CheckUtf8(data);
        CountLines(data);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) source.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Checks one chunk, carrying a sequence cut by the chunk's end over to the next.</summary>
    private void CheckUtf8(ReadOnlySpan<byte> data)
    {
        var chunk = data;
        if (pendingCount > 0)
        {
            // Complete the sequence the previous chunk ended in.
            var needed = SequenceLength(pending[0]);
            var taken = Math.Min(needed - pendingCount, data.Length);
            data[..taken].CopyTo(pending.AsSpan(pendingCount));
            pendingCount += taken;
            data = data[taken..];
            var status = Rune.DecodeFromUtf8(pending.AsSpan(0, pendingCount), out _, out var used);
            if (status == System.Buffers.OperationStatus.InvalidData) throw NotUtf8(pending.AsSpan(0, Math.Max(used, 1)), 0, default);
            if (pendingCount < needed) return;
            pendingCount = 0;
        }

        // Hold back an incomplete sequence at the end.
        var held = 0;
        for (var k = 1; k <= Math.Min(3, data.Length); k++)
        {
            var b = data[^k];
            if (b < 0x80) break;
            if (b >= 0xC0)
            {
                if (SequenceLength(b) > k) held = k;
                break;
            }
        }
        var whole = data[..^held];
        if (!System.Text.Unicode.Utf8.IsValid(whole)) ReportFirstInvalid(whole, chunk.Length - data.Length, chunk);
        data[^held..].CopyTo(pending);
        pendingCount = held;
    }

    /// <summary>Throws for the first invalid sequence of <paramref name="data"/>, which starts at <paramref name="start"/> of <paramref name="chunk"/>.</summary>
    private void ReportFirstInvalid(ReadOnlySpan<byte> data, int start, ReadOnlySpan<byte> chunk)
    {
        var at = 0;
        while (at < data.Length)
        {
            var status = Rune.DecodeFromUtf8(data[at..], out _, out var used);
            if (status != System.Buffers.OperationStatus.Done) throw NotUtf8(data.Slice(at, Math.Max(used, 1)), start + at, chunk);
            at += used;
        }
    }

    /// <summary>The refusal for <paramref name="bytes"/>, which start at <paramref name="offset"/> of <paramref name="chunk"/> (not yet counted in lines).</summary>
    private InvalidDataException NotUtf8(ReadOnlySpan<byte> bytes, int offset, ReadOnlySpan<byte> chunk)
    {
        var before = chunk[..offset];
        var line = Line + before.Count((byte)'\n') + before.Count((byte)'\r') - before.Count("\r\n"u8);
        return new InvalidDataException($"line {line:N0} holds bytes that are not UTF-8 text ({Untrusted.ShowBytes(bytes)}); save the file as UTF-8");
    }

    private void CountLines(ReadOnlySpan<byte> data)
    {
        lineBreaks += data.Count((byte)'\n') + data.Count((byte)'\r') - data.Count("\r\n"u8);
        if (lastWasCarriageReturn && data[0] == '\n') lineBreaks--;
        lastWasCarriageReturn = data[^1] == '\r';
    }

    /// <summary>The length of the sequence a lead byte starts (invalid lead bytes count 1: the decoder refuses them).</summary>
    private static int SequenceLength(byte lead) => lead switch
    {
        >= 0xF0 => 4,
        >= 0xE0 => 3,
        >= 0xC0 => 2,
        _ => 1,
    };
}
