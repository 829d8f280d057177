using System.Globalization;
using System.IO.Compression;
using nietras.SeparatedValues;

namespace ModelGen.Data;

public sealed partial class Table
{
    /// <summary>
    /// Reads a CSV file with a header row. A path ending in ".gz" is decompressed. Quoted fields are unquoted;
    /// the missing markers of <paramref name="options"/> ("NA", "NULL" and empty by default) read as missing.
    /// </summary>
    public static Table ReadCsv(string path, CsvReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return ReadCsv(file, options);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        return ReadCsv(gzip, options);
    }

    /// <summary>Reads CSV text (with a header row) from a stream; see <see cref="ReadCsv(string, CsvReadOptions?)"/>.</summary>
    public static Table ReadCsv(Stream stream, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = Configure(options).From(stream);
        return Read(reader, options ?? new CsvReadOptions());
    }

    /// <summary>Reads CSV text (with a header row) from a text reader; see <see cref="ReadCsv(string, CsvReadOptions?)"/>.</summary>
    public static Table ReadCsv(TextReader text, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var reader = Configure(options).From(text);
        return Read(reader, options ?? new CsvReadOptions());
    }

    private static SepReaderOptions Configure(CsvReadOptions? options)
    {
        // Pooled strings: category columns repeat a few values over many rows.
        var sep = new SepReaderOptions { Unescape = true, CreateToString = SepToString.PoolPerCol() };
        return options?.Separator is { } separator ? sep with { Sep = new Sep(separator) } : sep;
    }

    private static Table Read(SepReader reader, CsvReadOptions options)
    {
        var names = reader.Header.ColNames;
        var missing = new HashSet<string>(options.MissingMarkers, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var given in options.ColumnKinds.Keys)
        {
            if (!names.Contains(given))
                throw new ArgumentException($"ColumnKinds names column '{given}' but the CSV header has no such column.", nameof(options));
        }

        var builders = new ColumnBuilder[names.Count];
        for (var i = 0; i < builders.Length; i++)
        {
            builders[i] = new ColumnBuilder(names[i], options.ColumnKinds.TryGetValue(names[i], out var kind) ? kind : null);
        }

        var row = 0;
        foreach (var line in reader)
        {
            for (var i = 0; i < builders.Length; i++)
            {
                var col = line[i];
                var span = col.Span;
                if (missing.Contains(span)) builders[i].AddMissing();
                else builders[i].Add(span, col, row);
            }
            row++;
        }
        return new Table(builders.Select(b => b.Build()));
    }

    /// <summary>Collects one column's values; infers its kind unless it was given.</summary>
    private sealed class ColumnBuilder(string name, ColumnKind? given)
    {
        private readonly List<double> numbers = [];
        private readonly List<string?> texts = [];
        private bool allNumeric = true;

        public void AddMissing()
        {
            if (given != ColumnKind.Text) numbers.Add(double.NaN);
            if (given != ColumnKind.Numeric) texts.Add(null);
        }

        public void Add(ReadOnlySpan<char> span, SepReader.Col col, int row)
        {
            if (given != ColumnKind.Text && allNumeric)
            {
                if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) numbers.Add(value);
                else if (given == ColumnKind.Numeric)
                    throw new FormatException($"Column '{name}' is numeric but row {row} holds '{span}', which is not a number.");
                else allNumeric = false;
            }
            if (given != ColumnKind.Numeric) texts.Add(col.ToString());
        }

        public Column Build() =>
            given == ColumnKind.Numeric || (given is null && allNumeric)
                ? Data.Column.OwnNumeric(name, [.. numbers])
                : Data.Column.OwnText(name, [.. texts]);
    }
}
