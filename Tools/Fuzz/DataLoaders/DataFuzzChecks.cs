using System.IO.Compression;
using System.Text.Json;
using ModelGen.Data;
using ModelGen.Data.Text;

namespace ModelGen.Fuzzing;

/// <summary>
/// What the data loaders' fuzz runs assert beyond the exception type: a refusal names the file in a short message
/// without control characters; a load gives something usable (a preparation that saves and loads back the same and
/// gives no NaN for values without a missing one, a tokenizer likewise, a table as long as its lines allow); memory
/// stays within a bound linear in the input. A check that fails throws <see cref="InvalidOperationException"/>.
/// </summary>
internal static class DataFuzzChecks
{
    /// <summary>The longest refusal message: untrusted pieces are cut to 200 characters, a JSON path to 200.</summary>
    public const int MessageLimit = 2000;

    /// <summary>The most a preparation or tokenizer load may allocate for an input of <paramref name="length"/> bytes.</summary>
    public static long JsonAllocationLimit(long length) => (64 * length) + (1 << 20);

    /// <summary>
    /// The most a CSV read may allocate for <paramref name="textLength"/> bytes of text (decompressed): Sep's buffer
    /// grows to the longest row, each cell is a double or a string reference and string, arrays grow by doubling.
    /// </summary>
    public static long CsvAllocationLimit(long textLength) => (48 * textLength) + (2 << 20);

    /// <summary>
    /// The bytes of text a CSV input holds, at most <paramref name="max"/> + 1: decompressed as GZipStream would,
    /// silently up to a cut, and up to the damage where the data is damaged (the reader inflates as much before it
    /// finds the damage).
    /// </summary>
    public static long TextLength(byte[] bytes, bool gzip, long max)
    {
        if (!gzip)
        {
            return bytes.Length;
        }

        long total = 0;
        try
        {
            using var stream = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            byte[] buffer = new byte[1 << 16];
            int read;
            while (total <= max && (read = stream.Read(buffer)) > 0)
            {
                total += read;
            }
        }
        catch (InvalidDataException)
        {
            // Damaged: what was inflated before the damage still counts.
        }

        return total;
    }

    /// <summary>A refusal names the file, in at most <see cref="MessageLimit"/> characters, none of them control characters.</summary>
    public static void CheckRefusal(Exception error, string path)
    {
        if (!error.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The refusal does not name the file: {error.Message}");
        }

        if (error.Message.Length > MessageLimit)
        {
            throw new InvalidOperationException($"A refusal of {error.Message.Length} characters: {error.Message[..300]}");
        }

        if (error.Message.Any(char.IsControl))
        {
            throw new InvalidOperationException($"A control character in the refusal: {error.Message.Replace('\u001b', '?')}");
        }
    }

    /// <summary>A loaded preparation saves and loads back to the same bytes and gives no NaN for a probe table without missing values.</summary>
    public static void CheckPreparation(ColumnTransformer loaded, byte[] file)
    {
        using var first = new MemoryStream();
        loaded.Save(first);
        using var second = new MemoryStream();
        ColumnTransformer.Load(new MemoryStream(first.ToArray())).Save(second);
        if (!first.ToArray().AsSpan().SequenceEqual(second.ToArray()))
        {
            throw new InvalidOperationException("The loaded preparation does not save and load back the same.");
        }

        Table? probe = Probe(file);
        if (probe is null)
        {
            return;
        }

        FeatureMatrix matrix = loaded.TransformRows(probe, out IReadOnlyList<RowError> errors);
        if (errors.Any(e => e.Value == "NaN") || matrix.Values.Any(float.IsNaN))
        {
            throw new InvalidOperationException($"The loaded preparation gives NaN for values without a missing one: {string.Join("; ", errors.Select(e => e.Message))}");
        }
    }

    /// <summary>A loaded tokenizer saves and loads back the same and gives ids below its vocabulary size.</summary>
    public static void CheckTokenizer(Tokenizer loaded)
    {
        using var first = new MemoryStream();
        loaded.Save(first);
        using var second = new MemoryStream();
        Tokenizer.Load(new MemoryStream(first.ToArray())).Save(second);
        if (!first.ToArray().AsSpan().SequenceEqual(second.ToArray()))
        {
            throw new InvalidOperationException("The loaded tokenizer does not save and load back the same.");
        }

        foreach (int[] ids in loaded.TextsToSequences(["the cat sat", "zz qq", string.Join(' ', loaded.RankedWords.Take(50))]))
        {
            if (ids.Any(id => id < 0 || id >= loaded.VocabularySize))
            {
                throw new InvalidOperationException($"An id outside 0..{loaded.VocabularySize - 1}: {string.Join(", ", ids)}");
            }
        }
    }

    /// <summary>A table read from <paramref name="textLength"/> bytes of text has at most one row per line and named columns.</summary>
    public static void CheckTable(Table table, long textLength)
    {
        if (table.Columns.Count == 0 || table.ColumnNames.Any(string.IsNullOrEmpty))
        {
            throw new InvalidOperationException("A table without columns, or with a column without a name.");
        }

        if (table.Rows > textLength)
        {
            throw new InvalidOperationException($"{table.Rows} rows from {textLength} bytes.");
        }
    }

    // One row of values without a missing one for every input column the file lists, or null when a name has two kinds.
    private static Table? Probe(byte[] file)
    {
        ReadOnlySpan<byte> json = file.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? file.AsSpan(3) : file;
        using JsonDocument document = JsonDocument.Parse(json.ToArray());
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonElement transformer in document.RootElement.GetProperty("transformers").EnumerateArray())
        {
            foreach (JsonElement column in transformer.GetProperty("columns").EnumerateArray())
            {
                string name = column.GetProperty("name").GetString()!;
                string kind = column.GetProperty("type").GetString()!;
                if (kinds.TryGetValue(name, out string? known) && known != kind)
                {
                    return null;
                }

                kinds[name] = kind;
            }
        }

        return new Table(kinds.Select(p => p.Value == "numeric"
            ? Column.Numeric(p.Key, [0.5, -3, 1e6])
            : Column.Text(p.Key, ["x", "é", "zz"])));
    }
}
