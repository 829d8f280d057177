using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace ModelGen.Fuzzing;

/// <summary>
/// CSV files for fuzzing <c>Table.ReadCsv</c>, drawn from a <see cref="Random"/> alone: a random table (separators,
/// quoted fields with separators, quotes and line breaks, missing markers, numbers and words, CRLF) damaged at the
/// byte level (bit flips, truncation, random bytes, invalid UTF-8) or in CSV terms (a quote left open, ragged rows,
/// huge fields, thousands of columns, blank lines, control characters, repeated or empty column names), and as
/// .csv.gz, compressed and then cut, bit-flipped, given a wrong trailer, split into members, followed by bytes, or
/// made a bomb. Shared by the suite's bounded run (Tests/ModelGen.Data.Tests) and Tools/Fuzz.
/// </summary>
/// <param name="maxHugeField">The longest field "huge-field" writes (beyond Sep's 16 Mi characters a row is refused).</param>
/// <param name="bombBytes">What a "gzip-bomb" expands to: over the reader's byte limit.</param>
internal sealed class CsvFileMutator(int maxHugeField, int bombBytes)
{
    /// <summary>Mutations of the text; the gzip kinds compress a text made by one of these first.</summary>
    public static readonly string[] TextKinds =
    [
        "valid", "bitflip", "truncate", "random", "overwrite", "invalid-utf8", "unclosed-quote", "ragged", "huge-field",
        "blank-lines", "controls", "bom", "header-repeat", "header-empty", "many-columns", "numbers",
    ];

    /// <summary>Mutations of a compressed file.</summary>
    public static readonly string[] GzipKinds =
    [
        "gzip", "gzip-cut", "gzip-bitflip", "gzip-trailer", "gzip-members", "gzip-garbage", "gzip-zeros", "gzip-bomb", "gzip-random",
    ];

    private static readonly string[] Names = ["id", "lead_time", "country", "adr", "a", "b", "c", "Straße", "名前", "x y", "n,1", "say \"hi\"", "NA", "month"];
    private static readonly string[] Words = ["PRT", "GBR", "Resort Hotel", "City Hotel", "BB", "é", "x", "No Deposit", "a,b", "line\nbreak", "q\"uote", " ", "🙂"];
    private static readonly string[] Numbers = ["0", "1", "-1", "2.5", "1e3", "-0", "007", "NaN", "Infinity", "-Infinity", "1.50", "+4", ".5", "1e400", "4.9e-324"];
    private static readonly string[] Missing = ["", "NA", "NULL"];
    private static readonly byte[][] InvalidUtf8 = [[0xC3, 0x28], [0xFF], [0x80], [0xC0, 0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]];

    /// <summary>The next input: its mutation, its bytes, and whether it is gzip (read from a ".csv.gz" path).</summary>
    public (string Kind, byte[] Bytes, bool Gzip) Next(Random random)
    {
        string textKind = TextKinds[random.Next(TextKinds.Length)];
        if (random.Next(3) != 0)
        {
            return (textKind, MutateText(textKind, random), false);
        }

        string kind = GzipKinds[random.Next(GzipKinds.Length)];
        byte[] text = random.Next(2) == 0 ? Encoding.UTF8.GetBytes(RandomCsv(random)) : MutateText(textKind, random);
        return (kind, MutateGzip(kind, text, random), true);
    }

    private byte[] MutateText(string kind, Random random)
    {
        string csv = RandomCsv(random);
        byte[] bytes = Encoding.UTF8.GetBytes(csv);
        switch (kind)
        {
            case "valid":
                return bytes;
            case "bitflip":
                return ByteMutations.FlipBits(bytes, random, 1 + random.Next(8));
            case "truncate":
                return bytes[..random.Next(bytes.Length + 1)];
            case "random":
                return ByteMutations.Random(random, random.Next(2) == 0 ? "a,b\n"u8 : [], random.Next(4096));
            case "overwrite":
                return ByteMutations.Overwrite(bytes, random);
            case "invalid-utf8":
                return ByteMutations.Insert(bytes, random.Next(bytes.Length + 1), InvalidUtf8[random.Next(InvalidUtf8.Length)]);
            case "bom":
                return [0xEF, 0xBB, 0xBF, .. bytes];
            default:
                return Encoding.UTF8.GetBytes(EditText(kind, csv, random));
        }
    }

    private string EditText(string kind, string csv, Random random)
    {
        switch (kind)
        {
            case "unclosed-quote":
                return csv.Insert(random.Next(csv.Length + 1), "\"");
            case "ragged":
            {
                // One line loses or gains a separator.
                char separator = Separator(csv);
                int line = RandomLineStart(csv, random);
                int at = csv.IndexOf(separator, line);
                return at >= 0 && random.Next(2) == 0 ? csv.Remove(at, 1) : csv.Insert(line, $"extra{separator}");
            }

            case "huge-field":
            {
                int length = random.Next(20) == 0 ? maxHugeField : random.Next(1, Math.Max(2, maxHugeField / 20));
                string field = random.Next(2) == 0 ? new string('7', length) : $"\"{new string('x', length / 2)}\n{new string('y', length / 2)}\"";
                return csv.Insert(RandomLineStart(csv, random), field);
            }

            case "blank-lines":
                return csv.Insert(RandomLineStart(csv, random), random.Next(2) == 0 ? "\n" : "\n\r\n\n");
            case "controls":
                return csv.Insert(random.Next(csv.Length + 1), random.Next(3) switch { 0 => "\0", 1 => "\u001b[31m", _ => "\u202e\u0007\u0085" });
            case "header-repeat":
            {
                int end = csv.IndexOf('\n', StringComparison.Ordinal);
                string header = end < 0 ? csv : csv[..end].TrimEnd('\r');
                string first = header.Split(Separator(csv))[0];
                return csv.Insert(header.Length, $"{Separator(csv)}{first}");
            }

            case "header-empty":
                return Separator(csv) + csv;
            case "many-columns":
            {
                int columns = random.Next(100, 5000);
                var header = new StringBuilder();
                var row = new StringBuilder();
                for (int i = 0; i < columns; i++)
                {
                    header.Append(CultureInfo.InvariantCulture, $"c{i},");
                    row.Append(CultureInfo.InvariantCulture, $"{i},");
                }

                return $"{header.ToString(0, header.Length - 1)}\n{row.ToString(0, row.Length - 1)}\n{(random.Next(2) == 0 ? row.ToString(0, row.Length - 1) : "1,2")}\n";
            }

            case "numbers":
            {
                // A single numeric column of many rows: the numeric path and its storage.
                var text = new StringBuilder("n\n");
                int rows = random.Next(1, 20_000);
                for (int i = 0; i < rows; i++)
                {
                    text.Append(random.Next(10) == 0 ? Numbers[random.Next(Numbers.Length)] : (random.NextDouble() * 1000).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }

                return text.ToString();
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown mutation kind.");
        }
    }

    private byte[] MutateGzip(string kind, byte[] text, Random random)
    {
        if (kind == "gzip-bomb")
        {
            // One long run of digits in a one-column file: kilobytes that expand past the byte limit.
            using var bomb = new MemoryStream();
            using (var gzip = new GZipStream(bomb, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write("n\n"u8);
                byte[] line = Encoding.ASCII.GetBytes(new string('1', 1023) + "\n");
                for (int written = 0; written < bombBytes; written += line.Length)
                {
                    gzip.Write(line);
                }
            }

            return bomb.ToArray();
        }

        if (kind == "gzip-random")
        {
            return ByteMutations.Random(random, [0x1F, 0x8B, 0x08, 0x00], random.Next(64));
        }

        byte[] compressed = kind == "gzip-members" ? Members(text, 2 + random.Next(3)) : Compress(text);
        if (compressed.Length < 8)
        {
            // GZipStream writes nothing at all for empty text.
            return compressed;
        }

        switch (kind)
        {
            case "gzip":
            case "gzip-members":
                return compressed;
            case "gzip-cut":
                return compressed[..random.Next(compressed.Length)];
            case "gzip-bitflip":
                return ByteMutations.FlipBits(compressed, random, 1 + random.Next(4));
            case "gzip-trailer":
                if (random.Next(2) == 0)
                {
                    compressed[^(1 + random.Next(8))] ^= (byte)(1 << random.Next(8));
                    return compressed;
                }

                return compressed[..^random.Next(1, 9)];
            case "gzip-garbage":
                return [.. compressed, .. ByteMutations.Random(random, [], 1 + random.Next(32))];
            case "gzip-zeros":
                return [.. compressed, .. new byte[1 + random.Next(600)]];
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown mutation kind.");
        }
    }

    private static byte[] Compress(ReadOnlySpan<byte> text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(text);
        }

        return output.ToArray();
    }

    private static byte[] Members(byte[] text, int count)
    {
        var members = new List<byte>();
        int part = text.Length / count;
        for (int m = 0; m < count; m++)
        {
            members.AddRange(Compress(text.AsSpan(m * part, m == count - 1 ? text.Length - (m * part) : part)));
        }

        return [.. members];
    }

    /// <summary>A small random table: 1-6 columns, 0-40 rows, quoted where it must be, sometimes CRLF, ';' or tab.</summary>
    private static string RandomCsv(Random random)
    {
        char separator = random.Next(6) switch { 0 => ';', 1 => '\t', _ => ',' };
        string newline = random.Next(4) == 0 ? "\r\n" : "\n";
        int columns = 1 + random.Next(6);
        string[] names = Names.OrderBy(_ => random.Next()).Take(columns).ToArray();
        int[] kinds = names.Select(_ => random.Next(3)).ToArray();
        var csv = new StringBuilder(string.Join(separator, names.Select(n => Quoted(n, separator))));
        int rows = random.Next(41);
        for (int r = 0; r < rows; r++)
        {
            csv.Append(newline);
            for (int c = 0; c < columns; c++)
            {
                if (c > 0)
                {
                    csv.Append(separator);
                }

                string cell = random.Next(8) == 0 ? Missing[random.Next(Missing.Length)] : kinds[c] switch
                {
                    0 => random.Next(1000).ToString(CultureInfo.InvariantCulture),
                    1 => random.Next(4) == 0 ? Numbers[random.Next(Numbers.Length)] : (random.Next(100_000) / 100.0).ToString("R", CultureInfo.InvariantCulture),
                    _ => Words[random.Next(Words.Length)],
                };
                csv.Append(Quoted(cell, separator));
            }
        }

        if (random.Next(4) != 0)
        {
            csv.Append(newline);
        }

        return csv.ToString();
    }

    // Any separator the reader could detect is quoted too: a header "n,1" under ';' reads as two columns.
    private static string Quoted(string cell, char separator) =>
        cell.AsSpan().IndexOfAny($"{separator},;\t|\"\n\r") >= 0 || cell.StartsWith(' ')
            ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : cell;

    private static char Separator(string csv)
    {
        int end = csv.IndexOf('\n', StringComparison.Ordinal);
        string header = end < 0 ? csv : csv[..end];
        return header.Contains('\t') ? '\t' : header.Contains(';') ? ';' : ',';
    }

    private static int RandomLineStart(string csv, Random random)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < csv.Length; i++)
        {
            if (csv[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts[random.Next(starts.Count)];
    }
}
