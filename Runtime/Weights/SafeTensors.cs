using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace ModelGen;

/// <summary>
/// The safetensors format for one model's weights: an 8-byte little-endian header length, a JSON header
/// <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}</c>
/// padded with spaces to a multiple of 8 bytes, then the raw little-endian data.
/// </summary>
/// <remarks>
/// PyTorch's BatchNorm state_dict holds one more entry per layer, <c>&lt;layer&gt;.num_batches_tracked</c>: an I64 scalar
/// (shape ()) counting the training batches seen. ModelGen has no use for it (its running statistics always use the
/// layer's momentum, as PyTorch does unless momentum is None), so a file may hold it or not and its value is not read;
/// a saved file writes it as 0 for every BatchNorm layer, after the float tensors, so that
/// <c>load_state_dict(strict=True)</c> finds every key it expects.
/// </remarks>
internal static class SafeTensors
{
    /// <summary>The largest header accepted, the bound of the format's reference implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const int Alignment = 8;
    private const string MetadataKey = "__metadata__";
    private const string RunningVarianceSuffix = ".running_var";
    private const string BatchCountSuffix = ".num_batches_tracked";
    private const int BatchCountBytes = sizeof(long);

    // Paths come from the user, but a file's name can come from anywhere: escaped, and cut only when absurdly long.
    private const int PathLimit = 4096;

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

            foreach (string name in BatchCountNames(layout))
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "I64");
                json.WriteStartArray("shape");
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(dataOffset);
                dataOffset += BatchCountBytes;
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

        // The batch counts follow as zeros, which the new array already holds.
        return file;
    }

    /// <summary>
    /// Reads the weight file at <paramref name="path"/> into <paramref name="weights"/> after checking that it holds
    /// exactly <paramref name="layout"/>'s tensors: see <see cref="Decode"/>. Refuses a folder, a pipe or a device
    /// before opening it, and reads no more than the 8-byte length, the header (at most <see cref="MaxHeaderBytes"/>)
    /// and the model's own weights.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a weight file for <paramref name="layout"/>.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file system failed to open or read it.</exception>
    public static void Read(ModelLayout layout, string path, Span<float> weights)
    {
        if (Directory.Exists(path))
        {
            throw Refuse(path, "it is a folder, not a file");
        }

        // A link's own length is that of the path it holds: its final target is the file to check and to open.
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
        }

        if (!info.Exists)
        {
            throw new FileNotFoundException($"The weight file '{UntrustedText.Show(path, PathLimit)}' does not exist.", path);
        }

        // A pipe, a socket or a device (/dev/zero) reports a length of 0, as an empty file does: refused here, before
        // opening it, which for a pipe would wait for a writer. Only a regular file has 8 bytes or more.
        if (info.Length < sizeof(ulong))
        {
            throw Refuse(path, info.Length == 0
                ? "it is empty or not a regular file (a pipe or a device), with no 8-byte header length"
                : $"it is {info.Length} bytes long, shorter than the 8-byte header length");
        }

        try
        {
            using SafeFileHandle handle = File.OpenHandle(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            long length = RandomAccess.GetLength(handle);
            Decode(layout, length, (destination, offset) => RandomAccess.Read(handle, destination, offset), weights, path);
        }
        catch (IOException error) when (error is not FileNotFoundException && !error.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new IOException($"Could not read the weight file '{UntrustedText.Show(path, PathLimit)}': {error.Message}", error);
        }
    }

    /// <summary>
    /// Checks that the file of <paramref name="length"/> bytes that <paramref name="read"/> reads holds exactly
    /// <paramref name="layout"/>'s tensors (names, dtypes, shapes, byte ranges, size), besides which it may hold
    /// PyTorch's BatchNorm batch counts (<c>&lt;layer&gt;.num_batches_tracked</c>, I64 scalars, not read), then decodes them into
    /// <paramref name="weights"/> and checks their values (finite; running variances not negative); throws
    /// <see cref="InvalidDataException"/> naming <paramref name="source"/> and saying what differs otherwise, also when
    /// the file turns out shorter than <paramref name="length"/> (another program rewriting it). Reads nothing beyond
    /// what each check needs. <paramref name="weights"/> may be partly written when it throws.
    /// </summary>
    public static void Decode(ModelLayout layout, long length, ReadAt read, Span<float> weights, string source)
    {
        var file = new Source(read, length, source);
        if (length < sizeof(ulong))
        {
            throw Refuse(source, $"it is {length} bytes long, shorter than the 8-byte header length");
        }

        Span<byte> prefix = stackalloc byte[sizeof(ulong)];
        file.ReadExactly(prefix, 0, "the header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        long available = length - sizeof(ulong);
        if (headerLength > (ulong)available)
        {
            throw Refuse(source, $"its header claims {headerLength} bytes but only {available} follow the length");
        }

        if (headerLength > MaxHeaderBytes)
        {
            throw Refuse(source, $"its header claims {headerLength} bytes, more than the {MaxHeaderBytes} the format allows");
        }

        // One byte before the header's buffer: a file of another kind is refused without reading on.
        file.ReadExactly(prefix[..1], sizeof(ulong), "the header");
        if (headerLength == 0 || prefix[0] != (byte)'{')
        {
            throw Refuse(source, headerLength == 0
                ? "its header is not valid JSON (it is empty)"
                : $"its header is not valid JSON (it starts with byte 0x{prefix[0]:X2}, not '{{')");
        }

        var header = new byte[headerLength];
        file.ReadExactly(header, sizeof(ulong), "the header");
        if (!Utf8.IsValid(header))
        {
            throw Refuse(source, $"its header is not valid UTF-8 (byte {sizeof(ulong) + FirstInvalidUtf8(header)} of the file)");
        }

        string[] batchCounts = BatchCountNames(layout);
        (TensorEntry?[] entries, TensorEntry?[] countEntries) = ParseHeader(layout, batchCounts, header, source);
        long dataStart = sizeof(ulong) + (long)headerLength;
        long dataLength = length - dataStart;
        ParameterInfo[] parameters = layout.Parameters;
        var ranges = new List<(long Begin, long End)>(parameters.Length + batchCounts.Length);
        for (int p = 0; p < parameters.Length; p++)
        {
            ParameterInfo parameter = parameters[p];
            if (entries[p] is not TensorEntry entry)
            {
                throw Refuse(source, $"it lacks the tensor '{parameter.Name}' {parameter.ShapeText} of {layout.Name}");
            }

            if (entry.DType is not null)
            {
                throw Refuse(source, $"tensor '{parameter.Name}' has dtype {entry.DType}, expected F32");
            }

            if (entry.Rank != parameter.Shape.Length || !entry.Shape.AsSpan().SequenceEqual(parameter.Shape))
            {
                throw Refuse(source, $"tensor '{parameter.Name}' has shape {UntrustedText.Shape(entry.Shape, entry.Rank)}, expected {parameter.ShapeText}");
            }

            long bytes = (long)parameter.Length * sizeof(float);
            if (entry.End - entry.Begin != bytes)
            {
                throw Refuse(source, $"tensor '{parameter.Name}' has byte range [{entry.Begin}, {entry.End}), which is not {bytes} bytes");
            }

            if (entry.End > dataLength)
            {
                throw Refuse(source, $"tensor '{parameter.Name}' ends at byte {entry.End} of the data but the file holds only {dataLength} data bytes (truncated?)");
            }

            ranges.Add((entry.Begin, entry.End));
        }

        // PyTorch's BatchNorm batch counts: optional, checked as tensors of the file (they tile the data too), never read.
        for (int c = 0; c < batchCounts.Length; c++)
        {
            if (countEntries[c] is not TensorEntry entry)
            {
                continue;
            }

            string name = batchCounts[c];
            if (entry.DType is not null)
            {
                throw Refuse(source, $"tensor '{name}' has dtype {entry.DType}, expected I64 (PyTorch's BatchNorm batch count)");
            }

            if (entry.Rank != 0)
            {
                throw Refuse(source, $"tensor '{name}' has shape {UntrustedText.Shape(entry.Shape, entry.Rank)}, expected () (PyTorch's BatchNorm batch count, a scalar)");
            }

            if (entry.End - entry.Begin != BatchCountBytes)
            {
                throw Refuse(source, $"tensor '{name}' has byte range [{entry.Begin}, {entry.End}), which is not {BatchCountBytes} bytes");
            }

            if (entry.End > dataLength)
            {
                throw Refuse(source, $"tensor '{name}' ends at byte {entry.End} of the data but the file holds only {dataLength} data bytes (truncated?)");
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

        if (position != dataLength)
        {
            throw Refuse(source, $"it holds {dataLength} data bytes but its tensors cover {position}");
        }

        for (int p = 0; p < parameters.Length; p++)
        {
            ParameterInfo parameter = parameters[p];
            Span<float> destination = weights.Slice(parameter.Offset, parameter.Length);
            file.ReadExactly(MemoryMarshal.AsBytes(destination), dataStart + entries[p]!.Value.Begin, $"tensor '{parameter.Name}'");
            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(destination), MemoryMarshal.Cast<float, int>(destination));
            }

            CheckValues(parameter, destination, source);
        }
    }

    // Values a model cannot run with: not finite, or a BatchNorm running variance below zero (its inverse square root
    // would be NaN at inference).
    private static void CheckValues(ParameterInfo parameter, ReadOnlySpan<float> values, string source)
    {
        bool variance = !parameter.Trainable && parameter.Name.EndsWith(RunningVarianceSuffix, StringComparison.Ordinal);
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw Refuse(source, $"tensor '{parameter.Name}' holds {values[i].ToString(CultureInfo.InvariantCulture)} at element {i}");
            }

            if (variance && values[i] < 0)
            {
                throw Refuse(source, $"tensor '{parameter.Name}' holds {values[i].ToString(CultureInfo.InvariantCulture)} at element {i}; a running variance cannot be negative");
            }
        }
    }

    // Reads the header against the layout: the entry of each of its parameters and of each BatchNorm batch count (null
    // where the header has none). Refuses at the first name the layout does not have, so no more than the layout's
    // names is ever allocated.
    private static (TensorEntry?[] Parameters, TensorEntry?[] BatchCounts) ParseHeader(ModelLayout layout, string[] batchCounts, byte[] header, string source)
    {
        ParameterInfo[] parameters = layout.Parameters;
        var index = new Dictionary<string, int>(parameters.Length, StringComparer.Ordinal);
        int longestName = 0, largestRank = 0;
        for (int p = 0; p < parameters.Length; p++)
        {
            index[parameters[p].Name] = p;
            longestName = Math.Max(longestName, Encoding.UTF8.GetByteCount(parameters[p].Name));
            largestRank = Math.Max(largestRank, parameters[p].Shape.Length);
        }

        var countIndex = new Dictionary<string, int>(batchCounts.Length, StringComparer.Ordinal);
        for (int c = 0; c < batchCounts.Length; c++)
        {
            countIndex[batchCounts[c]] = c;
            longestName = Math.Max(longestName, Encoding.UTF8.GetByteCount(batchCounts[c]));
        }

        // A JSON escape takes at most 6 bytes per byte it stands for: a longer raw name cannot be one of ours.
        var limits = new Limits(6 * longestName + 16, Math.Max(largestRank + 1, UntrustedText.ShownDimensions));
        var entries = new TensorEntry?[parameters.Length];
        var countEntries = new TensorEntry?[batchCounts.Length];
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

                if (reader.ValueTextEquals(MetadataKey))
                {
                    Read(ref reader);
                    reader.Skip();
                    continue;
                }

                string? name = reader.ValueSpan.Length <= limits.NameBytes ? reader.GetString() : null;
                if (name is not null && countIndex.TryGetValue(name, out int c))
                {
                    if (countEntries[c] is not null)
                    {
                        throw Refuse(source, $"its header names tensor '{name}' twice");
                    }

                    countEntries[c] = ParseEntry(ref reader, name, "I64"u8, limits, source);
                    continue;
                }

                if (name is null || !index.TryGetValue(name, out int p))
                {
                    string shown = name is null ? UntrustedText.ShowUtf8(reader.ValueSpan) : UntrustedText.Show(name);
                    throw Refuse(source, $"it holds a tensor '{shown}' that {layout.Name} does not have (expected: {UntrustedText.List(Array.ConvertAll(parameters, parameter => parameter.Name))})");
                }

                if (entries[p] is not null)
                {
                    throw Refuse(source, $"its header names tensor '{name}' twice");
                }

                entries[p] = ParseEntry(ref reader, name, "F32"u8, limits, source);
            }

            if (reader.Read())
            {
                throw Refuse(source, "its header has content after the JSON object");
            }
        }
        catch (JsonException error)
        {
            throw Refuse(source, $"its header is not valid JSON ({UntrustedText.Show(error.Message)})");
        }
        catch (InvalidOperationException error)
        {
            // What Utf8JsonReader.GetString throws for text it cannot turn into a string: an escaped lone surrogate.
            throw Refuse(source, $"its header holds a string that is not valid text ({UntrustedText.Show(error.Message)})");
        }

        return (entries, countEntries);
    }

    // The batch count PyTorch keeps beside each BatchNorm layer's running statistics, in layout order.
    private static string[] BatchCountNames(ModelLayout layout)
    {
        var names = new List<string>();
        foreach (ParameterInfo parameter in layout.Parameters)
        {
            if (!parameter.Trainable && parameter.Name.EndsWith(RunningVarianceSuffix, StringComparison.Ordinal))
            {
                names.Add(parameter.Name[..^RunningVarianceSuffix.Length] + BatchCountSuffix);
            }
        }

        return [.. names];
    }

    // One tensor's entry; its DType is null when it is expectedDType, else the dtype to show.
    private static TensorEntry ParseEntry(ref Utf8JsonReader reader, string name, ReadOnlySpan<byte> expectedDType, Limits limits, string source)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}'");
        bool hasDType = false, hasShape = false;
        string? wrongDType = null;
        var shape = new List<int>();
        long rank = 0, begin = -1, end = -1;
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.ValueTextEquals("dtype"u8))
            {
                Expect(ref reader, JsonTokenType.String, $"the dtype of '{name}'");
                hasDType = true;
                wrongDType = reader.ValueTextEquals(expectedDType) ? null : ShowString(ref reader);
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray, $"the shape of '{name}'");
                hasShape = true;
                shape.Clear();
                rank = 0;
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

                    // Kept up to one more than the layout's largest rank: enough to compare and to show.
                    if (rank++ < limits.KeptDimensions)
                    {
                        shape.Add(dimension);
                    }
                }
            }
            else if (reader.ValueTextEquals("data_offsets"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray, $"the data offsets of '{name}'");
                begin = ReadOffset(ref reader, name, source);
                end = ReadOffset(ref reader, name, source);
                Expect(ref reader, JsonTokenType.EndArray, $"the data offsets of '{name}' (two numbers)");
            }
            else
            {
                throw Refuse(source, $"tensor '{name}' has an unknown field '{ShowString(ref reader)}'");
            }
        }

        if (!hasDType || !hasShape || begin < 0)
        {
            throw Refuse(source, $"tensor '{name}' lacks its dtype, shape or data_offsets");
        }

        return new TensorEntry(wrongDType, [.. shape], rank, begin, end);
    }

    // A string or property name of the header, escaped and cut for a message; a long one is shown from its raw bytes
    // (JSON escapes as written), so showing it never allocates more than the message needs.
    private static string ShowString(ref Utf8JsonReader reader) =>
        reader.ValueSpan.Length <= UntrustedText.Limit ? UntrustedText.Show(reader.GetString()) : UntrustedText.ShowUtf8(reader.ValueSpan);

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> text)
    {
        int position = 0;
        while (position < text.Length)
        {
            if (Rune.DecodeFromUtf8(text[position..], out _, out int consumed) != OperationStatus.Done)
            {
                return position;
            }

            position += consumed;
        }

        return position;
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

    private static InvalidDataException Refuse(string source, string reason) =>
        new($"Refused the weight file '{UntrustedText.Show(source, PathLimit)}': {reason}. Nothing was loaded.");

    /// <summary>One tensor's entry in a header: <see cref="DType"/> is null for the expected dtype, else the dtype to show.</summary>
    private readonly record struct TensorEntry(string? DType, int[] Shape, long Rank, long Begin, long End);

    /// <summary>The longest raw name that may be one of the layout's, and the dimensions of a shape kept.</summary>
    private readonly record struct Limits(int NameBytes, int KeptDimensions);

    /// <summary>A file being read: reads exactly what is asked or refuses, naming the file.</summary>
    private readonly struct Source(ReadAt read, long length, string path)
    {
        public void ReadExactly(Span<byte> destination, long offset, string what)
        {
            int done = 0;
            while (done < destination.Length)
            {
                int count = read(destination[done..], offset + done);
                if (count <= 0)
                {
                    throw Refuse(path, $"it ended at byte {offset + done} while {what} was read, though it was {length} bytes long when opened (is another program writing it?)");
                }

                done += count;
            }
        }
    }
}

/// <summary>Reads bytes of a file at <paramref name="offset"/> into <paramref name="destination"/>; returns how many (0 at its end).</summary>
internal delegate int ReadAt(Span<byte> destination, long offset);
