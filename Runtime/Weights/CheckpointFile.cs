using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ModelGen;

/// <summary>
/// What a training checkpoint holds besides the weights: the optimizer's state and step count, the epochs done, the
/// model's random stream positions and each callback's state (numbers by key, and float arrays such as the best
/// weights EarlyStopping keeps).
/// </summary>
public sealed class CheckpointState
{
    private readonly Dictionary<string, double> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> _arrays = new(StringComparer.Ordinal);

    /// <summary>Keeps a number under <paramref name="key"/>.</summary>
    public void Set(string key, double value) => _numbers[key] = value;

    /// <summary>Keeps a copy of <paramref name="values"/> under <paramref name="key"/>.</summary>
    public void SetArray(string key, ReadOnlySpan<float> values) => _arrays[key] = values.ToArray();

    /// <summary>The number kept under <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">There is none.</exception>
    public double Get(string key) => _numbers.TryGetValue(key, out double value)
        ? value
        : throw new InvalidDataException($"The checkpoint has no value '{key}'.");

    /// <summary>The array kept under <paramref name="key"/>, or null.</summary>
    public float[]? GetArray(string key) => _arrays.TryGetValue(key, out float[]? values) ? values : null;

    internal IReadOnlyDictionary<string, double> Numbers => _numbers;

    internal IReadOnlyDictionary<string, float[]> Arrays => _arrays;
}

/// <summary>
/// The checkpoint file: the 8 bytes <c>MGCKPT01</c>, the header's length (8 bytes, little-endian), a UTF-8 JSON header
/// (model, parameter names and sizes, optimizer, step count, epoch, stream positions, callback numbers, the names and
/// sizes of the float sections and the data's FNV-1a checksum), then the float sections, little-endian: the weights,
/// each optimizer variable, each callback array. Reading checks everything (magic, sizes, names, checksum) before
/// anything is returned, so a truncated, corrupted or foreign file is refused whole.
/// </summary>
internal static class CheckpointFile
{
    private static ReadOnlySpan<byte> Magic => "MGCKPT01"u8;

    private const int MaxHeaderBytes = 100_000_000;

    /// <summary>Everything a checkpoint holds, read or to be written.</summary>
    internal sealed record Contents(
        string Model,
        (string Name, int Length)[] Parameters,
        float[] Weights,
        string Optimizer,
        string[] VariableNames,
        float[][] Variables,
        int Iterations,
        int Epoch,
        ulong RandomStream,
        ulong ShuffleCounter,
        float[] ShuffleOrder,
        CheckpointState[] Callbacks,
        string[] CallbackKinds);

    public static void Write(Stream stream, Contents contents)
    {
        var sections = new List<(string Name, float[] Values)> { ("weights", contents.Weights) };
        for (int i = 0; i < contents.Variables.Length; i++)
        {
            sections.Add(("optimizer." + contents.VariableNames[i], contents.Variables[i]));
        }

        sections.Add(("shuffle_order", contents.ShuffleOrder));
        for (int c = 0; c < contents.Callbacks.Length; c++)
        {
            foreach (var (key, values) in contents.Callbacks[c].Arrays.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                sections.Add(($"callback.{c}.{key}", values));
            }
        }

        byte[] data = new byte[sections.Sum(section => (long)section.Values.Length) * 4];
        int at = 0;
        foreach (var (_, values) in sections)
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values.AsSpan());
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("Checkpoints are written on little-endian machines only.");
            }

            bytes.CopyTo(data.AsSpan(at));
            at += bytes.Length;
        }

        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteString("format", "modelgen-checkpoint-1");
            json.WriteString("model", contents.Model);
            json.WriteStartArray("parameters");
            foreach (var (name, length) in contents.Parameters)
            {
                json.WriteStartArray();
                json.WriteStringValue(name);
                json.WriteNumberValue(length);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteString("optimizer", contents.Optimizer);
            json.WriteNumber("iterations", contents.Iterations);
            json.WriteNumber("epoch", contents.Epoch);
            json.WriteString("random_stream", contents.RandomStream.ToString(CultureInfo.InvariantCulture));
            json.WriteString("shuffle_counter", contents.ShuffleCounter.ToString(CultureInfo.InvariantCulture));
            json.WriteStartArray("callbacks");
            for (int c = 0; c < contents.Callbacks.Length; c++)
            {
                json.WriteStartObject();
                json.WriteString("kind", contents.CallbackKinds[c]);
                foreach (var (key, value) in contents.Callbacks[c].Numbers.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                {
                    // Doubles as their exact bits, so that a restored best value compares as the saved one did.
                    json.WriteString(key, BitConverter.DoubleToInt64Bits(value).ToString("X16", CultureInfo.InvariantCulture));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("sections");
            foreach (var (name, values) in sections)
            {
                json.WriteStartArray();
                json.WriteStringValue(name);
                json.WriteNumberValue(values.Length);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteString("checksum", Checksum(data).ToString("X16", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        Span<byte> headerLength = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(headerLength, header.Length);
        stream.Write(Magic);
        stream.Write(headerLength);
        stream.Write(header.GetBuffer().AsSpan(0, (int)header.Length));
        stream.Write(data);
    }

    /// <summary>Reads and checks a whole checkpoint; <paramref name="path"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">The file is not a whole, intact ModelGen checkpoint.</exception>
    public static Contents Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        InvalidDataException Refused(string why) => new($"'{path}' is not a ModelGen checkpoint that can be read: {why}.");
        if (file.Length < 16 || !file.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw Refused(file.Length < 16 ? $"it has {file.Length} bytes, fewer than the 16 a checkpoint starts with" : "it does not start with MGCKPT01");
        }

        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(8, 8));
        if (headerLength < 2 || headerLength > MaxHeaderBytes || 16 + headerLength > file.Length)
        {
            throw Refused($"its header of {headerLength} bytes does not fit the file of {file.Length} bytes (truncated?)");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file.AsMemory(16, (int)headerLength));
        }
        catch (JsonException error)
        {
            throw Refused($"its header is not JSON ({error.Message})");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            try
            {
                if (root.GetProperty("format").GetString() != "modelgen-checkpoint-1")
                {
                    throw Refused($"its format is {UntrustedText.Show(root.GetProperty("format").GetString() ?? "")}, not modelgen-checkpoint-1");
                }

                var sections = root.GetProperty("sections").EnumerateArray()
                    .Select(s => (Name: s[0].GetString() ?? "", Length: s[1].GetInt32())).ToList();
                long floats = sections.Sum(s => (long)s.Length);
                ReadOnlySpan<byte> data = file.AsSpan((int)(16 + headerLength));
                if (sections.Any(s => s.Length < 0) || floats * 4 != data.Length)
                {
                    throw Refused($"its header lists {floats * 4} bytes of data but {data.Length} follow (truncated or extended)");
                }

                if (Checksum(data).ToString("X16", CultureInfo.InvariantCulture) != root.GetProperty("checksum").GetString())
                {
                    throw Refused("its data does not match its checksum (corrupted)");
                }

                int at = 0;
                var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
                foreach (var (name, length) in sections)
                {
                    float[] values = MemoryMarshal.Cast<byte, float>(data.Slice(at, length * 4)).ToArray();
                    if (!arrays.TryAdd(name, values))
                    {
                        throw Refused($"it lists the section {UntrustedText.Show(name)} twice");
                    }

                    at += length * 4;
                }

                if (!arrays.TryGetValue("weights", out float[]? weights))
                {
                    throw Refused("it has no weights");
                }

                string[] variableNames = [.. sections.Where(s => s.Name.StartsWith("optimizer.", StringComparison.Ordinal)).Select(s => s.Name["optimizer.".Length..])];
                var callbackElements = root.GetProperty("callbacks").EnumerateArray().ToList();
                var callbacks = new CheckpointState[callbackElements.Count];
                var kinds = new string[callbackElements.Count];
                for (int c = 0; c < callbacks.Length; c++)
                {
                    var state = new CheckpointState();
                    foreach (JsonProperty property in callbackElements[c].EnumerateObject())
                    {
                        if (property.Name == "kind")
                        {
                            kinds[c] = property.Value.GetString() ?? "";
                            continue;
                        }

                        state.Set(property.Name, BitConverter.Int64BitsToDouble(long.Parse(property.Value.GetString() ?? "", NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                    }

                    string prefix = $"callback.{c}.";
                    foreach (var (name, values) in arrays.Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal)))
                    {
                        state.SetArray(name[prefix.Length..], values);
                    }

                    callbacks[c] = state;
                }

                return new Contents(
                    root.GetProperty("model").GetString() ?? "",
                    [.. root.GetProperty("parameters").EnumerateArray().Select(p => (p[0].GetString() ?? "", p[1].GetInt32()))],
                    weights!,
                    root.GetProperty("optimizer").GetString() ?? "",
                    variableNames,
                    [.. variableNames.Select(name => arrays["optimizer." + name])],
                    root.GetProperty("iterations").GetInt32(),
                    root.GetProperty("epoch").GetInt32(),
                    ulong.Parse(root.GetProperty("random_stream").GetString() ?? "", CultureInfo.InvariantCulture),
                    ulong.Parse(root.GetProperty("shuffle_counter").GetString() ?? "", CultureInfo.InvariantCulture),
                    arrays.TryGetValue("shuffle_order", out float[]? order) ? order : [],
                    callbacks,
                    kinds);
            }
            catch (Exception error) when (error is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or IndexOutOfRangeException)
            {
                throw Refused($"its header lacks or misstates an entry ({error.Message})");
            }
        }
    }

    /// <summary>FNV-1a, 64 bits, over the data: enough to tell a damaged file from an intact one.</summary>
    private static ulong Checksum(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in data)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
