using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ModelGen;

/// <summary>
/// The safetensors format for one model's weights: an 8-byte little-endian header length, a JSON header
/// <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}</c>
/// padded with spaces to a multiple of 8 bytes, then the raw little-endian data.
/// </summary>
internal static class SafeTensors
{
    private const int Alignment = 8;
    private const string MetadataKey = "__metadata__";

    /// <summary>The file's bytes for <paramref name="weights"/> laid out as <paramref name="layout"/> says.</summary>
    public static byte[] Encode(ModelLayout layout, ReadOnlySpan<float> weights)
    {
        var header = new ArrayBufferWriter<byte>();
        long dataOffset = 0;
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            foreach (ParameterInfo parameter in layout.Parameters)
            {
                json.WriteStartObject(parameter.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int dimension in parameter.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(dataOffset);
                dataOffset += parameter.Length * sizeof(float);
                json.WriteNumberValue(dataOffset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteStartObject(MetadataKey);
            json.WriteString("format", "pt");
            json.WriteString("model", layout.Name);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        int headerLength = (header.WrittenCount + Alignment - 1) / Alignment * Alignment;
        var file = new byte[sizeof(ulong) + headerLength + dataOffset];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerLength);
        header.WrittenSpan.CopyTo(file.AsSpan(sizeof(ulong)));
        file.AsSpan(sizeof(ulong) + header.WrittenCount, headerLength - header.WrittenCount).Fill((byte)' ');
        int dataStart = sizeof(ulong) + headerLength;
        foreach (ParameterInfo parameter in layout.Parameters)
        {
            WriteFloats(weights.Slice(parameter.Offset, parameter.Length), file.AsSpan(dataStart));
            dataStart += parameter.Length * sizeof(float);
        }

        return file;
    }

    /// <summary>
    /// Checks that <paramref name="file"/> holds exactly <paramref name="layout"/>'s tensors (names, dtypes, shapes,
    /// byte ranges, size) and decodes them into <paramref name="weights"/>; throws <see cref="InvalidDataException"/>
    /// saying what differs otherwise. <paramref name="weights"/> may be partly written when it throws.
    /// </summary>
    public static void Decode(ModelLayout layout, ReadOnlySpan<byte> file, Span<float> weights, string source)
    {
        if (file.Length < sizeof(ulong))
        {
            throw Refuse(source, $"it is {file.Length} bytes long, shorter than the 8-byte header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)(file.Length - sizeof(ulong)))
        {
            throw Refuse(source, $"its header claims {headerLength} bytes but only {file.Length - sizeof(ulong)} follow the length");
        }

        ReadOnlySpan<byte> header = file.Slice(sizeof(ulong), (int)headerLength);
        ReadOnlySpan<byte> data = file[(sizeof(ulong) + (int)headerLength)..];
        Dictionary<string, TensorEntry> entries = ParseHeader(header, source);

        var expected = new Dictionary<string, ParameterInfo>(StringComparer.Ordinal);
        foreach (ParameterInfo parameter in layout.Parameters)
        {
            expected[parameter.Name] = parameter;
        }

        foreach (string name in entries.Keys)
        {
            if (!expected.ContainsKey(name))
            {
                throw Refuse(source, $"it holds a tensor '{name}' that {layout.Name} does not have (expected: {string.Join(", ", expected.Keys)})");
            }
        }

        var ranges = new List<(long Begin, long End)>(entries.Count);
        foreach (ParameterInfo parameter in layout.Parameters)
        {
            if (!entries.TryGetValue(parameter.Name, out TensorEntry entry))
            {
                throw Refuse(source, $"it lacks the tensor '{parameter.Name}' {parameter.ShapeText} of {layout.Name}");
            }

            if (entry.DType != "F32")
            {
                throw Refuse(source, $"tensor '{parameter.Name}' has dtype {entry.DType}, expected F32");
            }

            if (!entry.Shape.AsSpan().SequenceEqual(parameter.Shape))
            {
                throw Refuse(source, $"tensor '{parameter.Name}' has shape ({string.Join(", ", entry.Shape)}), expected {parameter.ShapeText}");
            }

            long bytes = (long)parameter.Length * sizeof(float);
            if (entry.End - entry.Begin != bytes || entry.Begin < 0)
            {
                throw Refuse(source, $"tensor '{parameter.Name}' has byte range [{entry.Begin}, {entry.End}), which is not {bytes} bytes");
            }

            if (entry.End > data.Length)
            {
                throw Refuse(source, $"tensor '{parameter.Name}' ends at byte {entry.End} of the data but the file holds only {data.Length} data bytes (truncated?)");
            }

            ranges.Add((entry.Begin, entry.End));
        }

        // The tensors must tile the data exactly: no overlap, no gap, nothing after the last one.
        ranges.Sort();
        long position = 0;
        foreach ((long begin, long end) in ranges)
        {
            if (begin != position)
            {
                throw Refuse(source, $"its tensors do not tile the data: a tensor starts at byte {begin} where {position} was expected");
            }

            position = end;
        }

        if (position != data.Length)
        {
            throw Refuse(source, $"it holds {data.Length} data bytes but its tensors cover {position}");
        }

        foreach (ParameterInfo parameter in layout.Parameters)
        {
            TensorEntry entry = entries[parameter.Name];
            Span<float> destination = weights.Slice(parameter.Offset, parameter.Length);
            ReadFloats(data[(int)entry.Begin..(int)entry.End], destination);
            for (int i = 0; i < destination.Length; i++)
            {
                if (!float.IsFinite(destination[i]))
                {
                    throw Refuse(source, $"tensor '{parameter.Name}' holds {destination[i]} at element {i}");
                }
            }
        }
    }

    private static Dictionary<string, TensorEntry> ParseHeader(ReadOnlySpan<byte> header, string source)
    {
        var entries = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(header);
            Expect(ref reader, JsonTokenType.StartObject, "the header");
            while (true)
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                string name = reader.GetString()!;
                if (name == MetadataKey)
                {
                    Read(ref reader);
                    reader.Skip();
                    continue;
                }

                if (entries.ContainsKey(name))
                {
                    throw Refuse(source, $"its header names tensor '{name}' twice");
                }

                entries[name] = ParseEntry(ref reader, name, source);
            }

            if (reader.Read())
            {
                throw Refuse(source, "its header has content after the JSON object");
            }
        }
        catch (JsonException error)
        {
            throw Refuse(source, $"its header is not valid JSON ({error.Message})");
        }

        return entries;
    }

    private static TensorEntry ParseEntry(ref Utf8JsonReader reader, string name, string source)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}'");
        string? dtype = null;
        int[]? shape = null;
        long begin = -1, end = -1;
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype":
                    Expect(ref reader, JsonTokenType.String, $"the dtype of '{name}'");
                    dtype = reader.GetString();
                    break;
                case "shape":
                    Expect(ref reader, JsonTokenType.StartArray, $"the shape of '{name}'");
                    var dimensions = new List<int>();
                    while (true)
                    {
                        Read(ref reader);
                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            break;
                        }

                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int dimension) || dimension < 0)
                        {
                            throw Refuse(source, $"the shape of '{name}' holds something other than non-negative integers");
                        }

                        dimensions.Add(dimension);
                    }

                    shape = [.. dimensions];
                    break;
                case "data_offsets":
                    Expect(ref reader, JsonTokenType.StartArray, $"the data offsets of '{name}'");
                    begin = ReadOffset(ref reader, name, source);
                    end = ReadOffset(ref reader, name, source);
                    Expect(ref reader, JsonTokenType.EndArray, $"the data offsets of '{name}' (two numbers)");
                    break;
                default:
                    throw Refuse(source, $"tensor '{name}' has an unknown field '{field}'");
            }
        }

        if (dtype is null || shape is null || begin < 0)
        {
            throw Refuse(source, $"tensor '{name}' lacks its dtype, shape or data_offsets");
        }

        return new TensorEntry(dtype, shape, begin, end);
    }

    private static long ReadOffset(ref Utf8JsonReader reader, string name, string source)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long offset) || offset < 0)
        {
            throw Refuse(source, $"the data offsets of '{name}' are not two non-negative integers");
        }

        return offset;
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("the header ends early");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        Read(ref reader);
        if (reader.TokenType != type)
        {
            throw new JsonException($"expected {type} for {what}, found {reader.TokenType}");
        }
    }

    private static void WriteFloats(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], values[i]);
        }
    }

    private static void ReadFloats(ReadOnlySpan<byte> source, Span<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(values));
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
        }
    }

    private static InvalidDataException Refuse(string source, string reason) =>
        new($"Refused the weight file '{source}': {reason}. Nothing was loaded.");

    private readonly record struct TensorEntry(string DType, int[] Shape, long Begin, long End);
}
