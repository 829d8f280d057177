namespace ModelGen.Samples.HotelCancellations;

/// <summary>
/// Reads at most <c>limit</c> bytes of another stream, then reports the end and <see cref="Exceeded"/>, so that a
/// small gzip that expands without bound (or one endless row) costs no more memory than the limit.
/// </summary>
internal sealed class BoundedStream(Stream source, long limit) : Stream
{
    private long read;

    /// <summary>Whether the source had more than the limit.</summary>
    public bool Exceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty || Exceeded)
        {
            return 0;
        }

        // One byte past the limit tells a source of exactly the limit from a longer one.
        long left = limit - read + 1;
        int got = source.Read(destination[..(int)Math.Min(destination.Length, left)]);
        read += got;
        if (read > limit)
        {
            // The one byte asked past the limit is dropped; the next read reports the end.
            Exceeded = true;
            read = limit;
            return got - 1;
        }

        return got;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            source.Dispose();
        }

        base.Dispose(disposing);
    }
}
