using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ModelGen.Fuzzing;

/// <summary>
/// Mutated copies of one valid safetensors weight file, for fuzzing the weight loader: raw byte damage (bit flips,
/// truncation, random bytes, whole random files), the 8-byte header length, invalid UTF-8 in the header, JSON edits
/// of the header (names with terminal escapes, lone surrogates, dtypes, huge and odd shapes, offsets, unknown
/// fields, deep nesting), and data a model cannot run with (non-finite values, negative running variances).
/// Header edits keep the header padded and its length right, so that they reach the checks behind the framing.
/// </summary>
/// <remarks>
/// Shared by the suite's WeightFuzzTests and the long run in Tools/Fuzz (linked there), so that both mutate alike;
/// it depends on nothing but the base library. Deterministic for a given <see cref="Random"/>.
/// </remarks>
public sealed class WeightFileMutator
{
    /// <summary>The kinds of mutation, picked with equal chance; the first leaves the file valid.</summary>
    public static readonly string[] Kinds =
    [
        "valid", "bit-flips", "header-bit-flips", "truncation", "extension", "header-length", "random-bytes",
        "random-file", "invalid-utf8", "json-edit", "huge-shape", "offsets", "negative-variance", "non-finite",
    ];

    // Never valid UTF-8: bytes no sequence uses, overlong forms, lone continuations, cut sequences, encoded
    // surrogates, code points above U+10FFFF.
    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE], [0xC0, 0x80], [0xC1, 0xBF], [0x80], [0xBF, 0xBF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE0, 0x80, 0xAF], [0xF0, 0x9F, 0x98],
    ];

    private static readonly string[] Names =
    [
        "\\u001b[31mred\\u001b[0m", "\\u001b]0;title\\u0007", "\\ud800", "\\udc00x", "\\u0000", "a\\nb", "\\u202egnp.exe",
        "\u200b", "\\\"", "__metadata__", "", "\\u00e9t\\u00e9", "\u00e9t\u00e9", "\U0001F600",
    ];

    private static readonly string[] DTypes =
    [
        "F16", "BF16", "F64", "I32", "U8", "BOOL", "F8_E4M3", "f32", "F32 ", " F32", "F3", "\\u0046\\u0033\\u0032", "\\u001b[2J",
    ];

    private static readonly string[] Numbers =
    [
        "-1", "0", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "1e30", "1.5", "-0", "0.0", "1E2", "null", "true", "\"1\"", "[]", "{}", "01", "NaN",
    ];

    private readonly byte[] _valid;
    private readonly string _header;
    private readonly byte[] _data;
    private readonly int _headerLength;
    private readonly int _maxDimensions;

    /// <summary>Mutates copies of <paramref name="valid"/>, a weight file the loader accepts.</summary>
    /// <param name="valid">The file's bytes.</param>
    /// <param name="varianceOffsets">The byte ranges of the data holding running variances, [begin, end) from the data's start.</param>
    /// <param name="maxDimensions">The most dimensions a huge-shape edit writes (a million makes a 2 MB header).</param>
    public WeightFileMutator(byte[] valid, IReadOnlyList<(long Begin, long End)> varianceOffsets, int maxDimensions = 100_000)
    {
        _valid = valid;
        _headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        _header = Encoding.UTF8.GetString(valid, 8, _headerLength).TrimEnd(' ');
        _data = valid[(8 + _headerLength)..];
        VarianceOffsets = varianceOffsets;
        _maxDimensions = maxDimensions;
    }

    /// <summary>The byte ranges of the data holding running variances.</summary>
    public IReadOnlyList<(long Begin, long End)> VarianceOffsets { get; }

    /// <summary>A mutated file and the kind of mutation that made it.</summary>
    public (string Kind, byte[] File) Next(Random random)
    {
        string kind = Kinds[random.Next(Kinds.Length)];
        return (kind, Mutate(kind, random));
    }

    /// <summary>A copy of the valid file damaged as <paramref name="kind"/> says.</summary>
    public byte[] Mutate(string kind, Random random) => kind switch
    {
        "valid" => Build(_header, _data),
        "bit-flips" => FlipBits(random, 0, _valid.Length),
        "header-bit-flips" => FlipBits(random, 0, 8 + _headerLength),
        "truncation" => _valid[..random.Next(_valid.Length)],
        "extension" => [.. _valid, .. RandomBytes(random, random.Next(1, 65))],
        "header-length" => WithHeaderLength(random),
        "random-bytes" => OverwriteRandomly(random),
        "random-file" => RandomFile(random),
        "invalid-utf8" => InsertInvalidUtf8(random),
        "json-edit" => Build(EditJson(random), _data),
        "huge-shape" => Build(HugeShape(random), _data),
        "offsets" => Build(EditOffsets(random), _data),
        "negative-variance" => NegativeVariance(random),
        "non-finite" => NonFinite(random),
        _ => throw new ArgumentException($"Unknown mutation '{kind}'.", nameof(kind)),
    };

    /// <summary>A safetensors file of <paramref name="header"/> (UTF-8, padded with spaces to 8 bytes) and <paramref name="data"/>.</summary>
    public static byte[] Build(string header, ReadOnlySpan<byte> data) => Build(Encoding.UTF8.GetBytes(header), data);

    /// <summary>A safetensors file of the raw <paramref name="header"/> bytes (padded with spaces to 8 bytes) and <paramref name="data"/>.</summary>
    public static byte[] Build(ReadOnlySpan<byte> header, ReadOnlySpan<byte> data)
    {
        int padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file.AsSpan(8));
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file.AsSpan(8 + padded));
        return file;
    }

    private byte[] FlipBits(Random random, int start, int end)
    {
        byte[] file = [.. _valid];
        int flips = random.Next(1, 9);
        for (int i = 0; i < flips; i++)
        {
            file[random.Next(start, end)] ^= (byte)(1 << random.Next(8));
        }

        return file;
    }

    private byte[] WithHeaderLength(Random random)
    {
        byte[] file = [.. _valid];
        ulong[] interesting =
        [
            0, 1, 7, 8, (ulong)_headerLength - 1, (ulong)_headerLength + 1, (ulong)_headerLength - 8, (ulong)_headerLength + 8,
            (ulong)file.Length - 8, (ulong)file.Length - 7, (ulong)file.Length, 100_000_000, 100_000_001, int.MaxValue,
            (ulong)int.MaxValue + 1, long.MaxValue, ulong.MaxValue, ulong.MaxValue - 7, (ulong)random.NextInt64(),
        ];
        BinaryPrimitives.WriteUInt64LittleEndian(file, interesting[random.Next(interesting.Length)]);
        return file;
    }

    private byte[] OverwriteRandomly(Random random)
    {
        byte[] file = [.. _valid];
        int start = random.Next(file.Length);
        int count = Math.Min(file.Length - start, random.Next(1, 33));
        random.NextBytes(file.AsSpan(start, count));
        return file;
    }

    private byte[] RandomFile(Random random)
    {
        byte[] file = RandomBytes(random, random.Next(0, 4097));
        if (file.Length >= 8 && random.Next(2) == 0)
        {
            // A plausible header length, so that the random bytes are read as a header.
            BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)random.Next(0, file.Length - 7));
            if (file.Length > 8)
            {
                file[8] = (byte)'{';
            }
        }

        return file;
    }

    private byte[] InsertInvalidUtf8(Random random)
    {
        byte[] header = Encoding.UTF8.GetBytes(_header);
        byte[] bad = InvalidUtf8[random.Next(InvalidUtf8.Length)];
        int at = random.Next(header.Length + 1);
        byte[] mutated = random.Next(2) == 0
            ? [.. header.AsSpan(0, at), .. bad, .. header.AsSpan(at)]
            : [.. header.AsSpan(0, at), .. bad, .. header.AsSpan(Math.Min(header.Length, at + bad.Length))];
        return Build(mutated, _data);
    }

    private string EditJson(Random random)
    {
        string header = _header;
        switch (random.Next(12))
        {
            case 0:
                return ReplaceQuoted(random, header, Names[random.Next(Names.Length)]);
            case 1:
                return ReplaceValueOf(header, random, "\"dtype\":\"", '"', DTypes[random.Next(DTypes.Length)]);
            case 2:
                return ReplaceValueOf(header, random, "\"shape\":[", ']', string.Join(",", Enumerable.Range(0, random.Next(0, 6)).Select(_ => Numbers[random.Next(Numbers.Length)])));
            case 3:
                // Delete a span.
                int start = random.Next(header.Length);
                return header.Remove(start, Math.Min(header.Length - start, random.Next(1, 16)));
            case 4:
                // Duplicate a span.
                int from = random.Next(header.Length);
                string piece = header.Substring(from, Math.Min(header.Length - from, random.Next(1, 64)));
                return header.Insert(random.Next(header.Length + 1), piece);
            case 5:
                // An unknown field in a tensor.
                return InsertAfter(header, random, "{\"dtype\"", "\"extra\":1,", before: true);
            case 6:
                // Deep nesting in the metadata.
                int depth = random.Next(1, 2000);
                return header.Replace("\"__metadata__\":{", "\"__metadata__\":{\"deep\":" + new string('[', depth) + new string(']', depth) + ",", StringComparison.Ordinal);
            case 7:
                // A huge metadata string with escapes.
                return header.Replace("\"__metadata__\":{", "\"__metadata__\":{\"long\":\"" + string.Concat(Enumerable.Repeat("\\u001b[0m", random.Next(1, 20_000))) + "\",", StringComparison.Ordinal);
            case 8:
                // A tensor twice.
                int open = header.IndexOf('"', 1);
                int entryEnd = header.IndexOf('}', open) + 1;
                return header.Insert(1, header[1..entryEnd] + ",");
            case 9:
                // A value of the wrong kind for a field.
                string[] fields = ["\"dtype\":", "\"shape\":", "\"data_offsets\":"];
                string field = fields[random.Next(fields.Length)];
                int at = IndexOfNth(header, field, random);
                if (at < 0)
                {
                    return header;
                }

                int valueStart = at + field.Length;
                int valueEnd = header[valueStart] == '"' ? header.IndexOf('"', valueStart + 1) + 1 : header.IndexOf(header[valueStart] == '[' ? ']' : ',', valueStart) + 1;
                return header[..valueStart] + Numbers[random.Next(Numbers.Length)] + header[valueEnd..];
            case 10:
                // Trailing content or a second value after the object.
                string[] tails = ["x", "{}", ",", "]", "\u0000", "/*c*/", "\t\n\r"];
                return header + tails[random.Next(tails.Length)];
            default:
                // A metadata value other than the usual map.
                string[] metadata = ["null", "[]", "1", "\"s\"", "{\"a\":{\"b\":[1,2,{}]}}"];
                int metaStart = header.IndexOf("\"__metadata__\":", StringComparison.Ordinal);
                return metaStart < 0 ? header : header[..(metaStart + 15)] + metadata[random.Next(metadata.Length)] + "}";
        }
    }

    private string HugeShape(Random random)
    {
        int dimensions = random.Next(4) == 0 ? random.Next(1, _maxDimensions + 1) : random.Next(1, 64);
        string dimension = random.Next(3) switch
        {
            0 => "1",
            1 => "2147483647",
            _ => random.Next(0, 100).ToString(CultureInfo.InvariantCulture),
        };
        return ReplaceValueOf(_header, random, "\"shape\":[", ']', string.Join(",", Enumerable.Repeat(dimension, dimensions)));
    }

    private string EditOffsets(Random random)
    {
        string replacement = random.Next(4) switch
        {
            0 => $"{Numbers[random.Next(Numbers.Length)]},{Numbers[random.Next(Numbers.Length)]}",
            1 => $"0,{random.Next(0, _data.Length + 16)}",
            2 => $"{random.Next(0, _data.Length)},{random.Next(0, _data.Length)}",
            _ => $"{random.Next(0, _data.Length)}",
        };
        return ReplaceValueOf(_header, random, "\"data_offsets\":[", ']', replacement);
    }

    private byte[] NegativeVariance(Random random)
    {
        byte[] file = Build(_header, _data);
        if (VarianceOffsets.Count == 0)
        {
            return file;
        }

        (long begin, long end) = VarianceOffsets[random.Next(VarianceOffsets.Count)];
        int dataStart = file.Length - _data.Length;
        int element = random.Next((int)((end - begin) / 4));
        float[] negatives = [-1e-30f, -1e-7f, -0.5f, -1f, -3e38f, float.NegativeInfinity, -float.Epsilon];
        BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(dataStart + (int)begin + (element * 4)), negatives[random.Next(negatives.Length)]);
        return file;
    }

    private byte[] NonFinite(Random random)
    {
        byte[] file = Build(_header, _data);
        int dataStart = file.Length - _data.Length;
        int element = random.Next(_data.Length / 4);
        float[] values = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001))];
        BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(dataStart + (element * 4)), values[random.Next(values.Length)]);
        return file;
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    // Replaces the text of one quoted string of the header (a name, a field, a dtype) with replacement.
    private static string ReplaceQuoted(Random random, string header, string replacement)
    {
        var quotes = new List<int>();
        for (int i = 0; i < header.Length; i++)
        {
            if (header[i] == '"')
            {
                quotes.Add(i);
            }
        }

        int pair = random.Next(quotes.Count / 2);
        int open = quotes[2 * pair], close = quotes[(2 * pair) + 1];
        return header[..(open + 1)] + replacement + header[close..];
    }

    // Replaces what follows one occurrence of prefix, up to the terminator, with replacement.
    private static string ReplaceValueOf(string header, Random random, string prefix, char terminator, string replacement)
    {
        int at = IndexOfNth(header, prefix, random);
        if (at < 0)
        {
            return header;
        }

        int start = at + prefix.Length;
        int end = header.IndexOf(terminator, start);
        return end < 0 ? header : header[..start] + replacement + header[end..];
    }

    private static string InsertAfter(string header, Random random, string anchor, string text, bool before)
    {
        int at = IndexOfNth(header, anchor, random);
        return at < 0 ? header : header.Insert(before ? at + 1 : at + anchor.Length, text);
    }

    // The index of a random occurrence of text in header, or -1.
    private static int IndexOfNth(string header, string text, Random random)
    {
        var found = new List<int>();
        for (int at = header.IndexOf(text, StringComparison.Ordinal); at >= 0; at = header.IndexOf(text, at + 1, StringComparison.Ordinal))
        {
            found.Add(at);
        }

        return found.Count == 0 ? -1 : found[random.Next(found.Count)];
    }
}
