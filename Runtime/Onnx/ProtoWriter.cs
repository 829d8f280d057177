using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ModelGen.Onnx;

/// <summary>
/// The few parts of the protocol-buffers wire format an ONNX file needs (protobuf's encoding guide): varints, 32-bit
/// floats, and length-delimited fields for strings, bytes, packed arrays and nested messages. A nested message is
/// written into its own writer, then copied in with its length. Export runs once, so clarity wins over copies.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>Field <paramref name="field"/> as a varint (int32, int64 and enum fields).</summary>
    public void Int(int field, long value)
    {
        Tag(field, 0);
        Varint((ulong)value);
    }

    /// <summary>Field <paramref name="field"/> as a 32-bit float.</summary>
    public void Float(int field, float value)
    {
        Tag(field, 5);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>Field <paramref name="field"/> as UTF-8 text.</summary>
    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Field <paramref name="field"/> as raw bytes.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    /// <summary>Field <paramref name="field"/> as a nested message.</summary>
    public void Message(int field, ProtoWriter message) => Bytes(field, message.WrittenSpan);

    /// <summary>Field <paramref name="field"/> as a packed repeated varint (ONNX's dims and ints).</summary>
    public void PackedInts(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtoWriter();
        foreach (long value in values)
        {
            packed.Varint((ulong)value);
        }

        Bytes(field, packed.WrittenSpan);
    }

    /// <summary>Field <paramref name="field"/> as a packed repeated float.</summary>
    public void PackedFloats(int field, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        Bytes(field, bytes);
    }

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _buffer.Advance(n);
    }
}
