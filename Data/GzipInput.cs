using System.Buffers.Binary;
using System.IO.Compression;

namespace ModelGen.Data;

/// <summary>
/// Decompresses gzip (RFC 1952) and checks that it is whole: each member's header is read here, its deflate body is
/// inflated by <see cref="DeflateStream"/>, and its trailer (CRC-32 and length of the member's data) is compared with
/// what was inflated. <see cref="GZipStream"/> checks a trailer that is there but returns end of data silently when
/// the input stops before it (a file cut in the middle reads as a shorter one); here that is an
/// <see cref="InvalidDataException"/>. Several members follow one another as gzip allows; zero bytes after the last
/// are ignored (tape padding, as gzip does), anything else after it is refused.
/// </summary>
/// <remarks>
/// The trailer lies right after the deflate body, whose end only the inflater knows. <see cref="DeflateStream"/> asks
/// for input only once it has used all it was given, so the body ends inside the last chunk it was given: the trailer
/// is found there as the eight bytes the inflated data must give (a false match inside compressed data has odds of
/// 2^-64 per position).
/// </remarks>
internal sealed class GzipInput : Stream
{
    private const int BufferSize = 64 * 1024;
    private const int ChunkSize = 16 * 1024;
    private const int TrailerSize = 8;

    private readonly Stream source;
    private readonly byte[] buffer = new byte[BufferSize];
    private int start;
    private int end;
    private int servedFrom;
    private bool sourceEnded;
    private bool deflateSawEnd;
    private DeflateStream? deflate;
    private uint crc;
    private uint size;
    private int members;
    private bool finished;

    public GzipInput(Stream source)
    {
        this.source = source;
    }

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

    public override int Read(Span<byte> destination)
    {
        while (!finished && !destination.IsEmpty)
        {
            if (deflate is null && !StartMember())
            {
                finished = true;
                break;
            }
            int read;
            try
            {
                read = deflate!.Read(destination);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"its compressed data is damaged in gzip member {members} ({e.Message})", e);
            }
            if (read > 0)
            {
                crc = Crc32.Append(crc, destination[..read]);
                size += (uint)read;
                return read;
            }
            EndMember();
        }
        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) deflate?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Reads a member's header and starts inflating its body; false at the end of the input.</summary>
    private bool StartMember()
    {
        if (members > 0 && SkipZeroPadding()) return false;
        if (!Ensure(1))
        {
            if (members == 0) throw new InvalidDataException("it is empty: a gzip file starts with a 10-byte header");
            return false;
        }
        Ensure(10);
        if (buffer[start] != 0x1F || (end - start >= 2 && buffer[start + 1] != 0x8B))
        {
            if (members == 0) throw NotGzip();
            throw new InvalidDataException($"it has bytes after its last gzip member that are not a gzip member ({Untrusted.ShowBytes(buffer.AsSpan(start, Math.Min(end - start, 8)))})");
        }
        if (end - start < 10) throw new InvalidDataException($"the file is cut: it ends inside the header of gzip member {members + 1}");
        if (buffer[start + 2] != 8) throw new InvalidDataException($"gzip member {members + 1} uses compression method {buffer[start + 2]}, not deflate (8)");
        var flags = buffer[start + 3];
        if ((flags & 0xE0) != 0) throw new InvalidDataException($"gzip member {members + 1} sets reserved header flags (0x{flags:X2})");
        start += 10;
        if ((flags & 0x04) != 0)
        {
            if (!Ensure(2)) throw CutInHeader();
            var extra = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(start));
            start += 2;
            Skip(extra);
        }
        if ((flags & 0x08) != 0) SkipPastZero();
        if ((flags & 0x10) != 0) SkipPastZero();
        if ((flags & 0x02) != 0) Skip(2);

        members++;
        crc = 0;
        size = 0;
        deflateSawEnd = false;
        deflate = new DeflateStream(new Feed(this), CompressionMode.Decompress, leaveOpen: false);
        return true;
    }

    /// <summary>The body has ended: finds and checks the trailer, and moves past it.</summary>
    private void EndMember()
    {
        deflate!.Dispose();
        deflate = null;
        if (deflateSawEnd)
            throw new InvalidDataException($"the file is cut: it ends inside the compressed data of gzip member {members}");

        Span<byte> expected = stackalloc byte[TrailerSize];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], size);
        Ensure(start - servedFrom + TrailerSize, from: servedFrom);
        var searched = buffer.AsSpan(servedFrom, Math.Min(end, start + TrailerSize) - servedFrom);
        var at = searched.IndexOf(expected);
        if (at < 0)
        {
            throw sourceEnded && end - start < TrailerSize
                ? new InvalidDataException($"the file is cut: it ends before the 8-byte trailer of gzip member {members}")
                : new InvalidDataException($"the trailer of gzip member {members} does not match its data (CRC-32 or length): the file is damaged");
        }
        start = servedFrom + at + TrailerSize;
    }

    /// <summary>True when nothing but zero bytes is left (all of it consumed).</summary>
    private bool SkipZeroPadding()
    {
        while (true)
        {
            if (!Ensure(1)) return true;
            var zeros = buffer.AsSpan(start, end - start).IndexOfAnyExcept((byte)0);
            if (zeros >= 0)
            {
                if (zeros == 0) return false;
                throw new InvalidDataException($"it has bytes after its last gzip member that are not a gzip member ({zeros:N0} zero bytes, then {Untrusted.ShowBytes(buffer.AsSpan(start + zeros, Math.Min(end - start - zeros, 8)))})");
            }
            start = end;
        }
    }

    private void Skip(long count)
    {
        while (count > 0)
        {
            if (!Ensure(1)) throw CutInHeader();
            var step = (int)Math.Min(count, end - start);
            start += step;
            count -= step;
        }
    }

    private void SkipPastZero()
    {
        while (true)
        {
            if (!Ensure(1)) throw CutInHeader();
            var zero = buffer.AsSpan(start, end - start).IndexOf((byte)0);
            if (zero >= 0)
            {
                start += zero + 1;
                return;
            }
            start = end;
        }
    }

    /// <summary>
    /// Makes at least <paramref name="count"/> bytes available from <paramref name="from"/> (default: the unread
    /// start), keeping the bytes from there on; false if the input ends first.
    /// </summary>
    private bool Ensure(int count, int from = -1)
    {
        if (from < 0) from = start;
        if (end - from >= count) return true;
        if (from > 0)
        {
            buffer.AsSpan(from, end - from).CopyTo(buffer);
            start -= from;
            servedFrom = Math.Max(0, servedFrom - from);
            end -= from;
            from = 0;
        }
        while (end - from < count && !sourceEnded && end < buffer.Length)
        {
            var read = source.Read(buffer.AsSpan(end));
            if (read == 0) sourceEnded = true;
            end += read;
        }
        return end - from >= count;
    }

    /// <summary>Hands the inflater the next chunk of input and remembers where it began.</summary>
    private int Serve(Span<byte> destination)
    {
        if (!Ensure(1))
        {
            deflateSawEnd = true;
            return 0;
        }
        var count = Math.Min(Math.Min(destination.Length, ChunkSize), end - start);
        buffer.AsSpan(start, count).CopyTo(destination);
        servedFrom = start;
        start += count;
        return count;
    }

    private InvalidDataException NotGzip() =>
        new($"it is not gzip data: it starts with {Untrusted.ShowBytes(buffer.AsSpan(start, Math.Min(end - start, 4)))}, not \\x1F\\x8B");

    private InvalidDataException CutInHeader() => new($"the file is cut: it ends inside the header of gzip member {members + 1}");

    /// <summary>The input of the current member's <see cref="DeflateStream"/>.</summary>
    private sealed class Feed(GzipInput owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => owner.Serve(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => owner.Serve(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
