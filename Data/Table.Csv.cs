using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace ModelGen.Data;

public sealed partial class Table
{
    /// <summary>
    /// Reads a CSV file (UTF-8, with a header row). A path ending in ".gz" is decompressed, and its gzip trailers are
    /// checked, so a file cut short is refused rather than read as a shorter table. Quoted fields are unquoted; the
    /// missing markers of <paramref name="options"/> ("NA", "NULL" and empty by default) read as missing.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file does not fit, naming the file and, where there is one, the line: a folder, no header, a column without a name
    /// or named twice, a quote that opens and never closes, a row with another number of fields than the header, a
    /// word in a column <see cref="CsvReadOptions.ColumnKinds"/> makes numeric, a column that
    /// <see cref="CsvReadOptions.ColumnKinds"/> names but the header lacks, bytes that are not UTF-8, a compressed file
    /// that is cut or damaged, more rows or bytes than <see cref="CsvReadOptions.MaxRows"/> or
    /// <see cref="CsvReadOptions.MaxBytes"/> allow. Text from the file is shown escaped and cut.
    /// </exception>
    /// <exception cref="IOException">The file cannot be opened or read (a missing file is a <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static Table ReadCsv(string path, CsvReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options = Check(options);
        var source = $"The CSV file {Untrusted.Quote(path)}";
        // A pipe is read as it comes (a CSV may be streamed); a device is bounded by the limits.
        if (Directory.Exists(path)) throw new InvalidDataException($"{source} is refused: it is a folder, not a file.");
        using var file = File.OpenRead(path);
        var compressed = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        using var bytes = compressed ? new GzipInput(file) : (Stream)file;
        return ReadBytes(bytes, compressed, options, source);
    }

    /// <summary>Reads CSV text (UTF-8, with a header row) from a stream; see <see cref="ReadCsv(string, CsvReadOptions?)"/>.</summary>
    /// <exception cref="InvalidDataException">The text does not fit; see <see cref="ReadCsv(string, CsvReadOptions?)"/>.</exception>
    public static Table ReadCsv(Stream stream, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadBytes(stream, decompressed: false, Check(options), "The CSV stream");
    }

    /// <summary>Reads CSV text (with a header row) from a text reader; see <see cref="ReadCsv(string, CsvReadOptions?)"/>.</summary>
    /// <exception cref="InvalidDataException">The text does not fit; see <see cref="ReadCsv(string, CsvReadOptions?)"/>.</exception>
    public static Table ReadCsv(TextReader text, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options = Check(options);
        return Read(new LimitedTextReader(text, options.MaxBytes), options, "The CSV text");
    }

    private static CsvReadOptions Check(CsvReadOptions? options)
    {
        options ??= new CsvReadOptions();
        if (options.Separator is '"' or '\n' or '\r')
            throw new ArgumentException($"The separator cannot be a quote or a line break.", nameof(options));
        if (options.MaxRows < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxRows, "MaxRows cannot be negative.");
        if (options.MaxBytes < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxBytes, "MaxBytes cannot be negative.");
        ArgumentNullException.ThrowIfNull(options.MissingMarkers, nameof(options));
        ArgumentNullException.ThrowIfNull(options.ColumnKinds, nameof(options));
        return options;
    }

    private static Table ReadBytes(Stream stream, bool decompressed, CsvReadOptions options, string source)
    {
        // The bytes are checked to be UTF-8 on their way, so the decoder never meets an invalid one; a UTF-8 byte
        // order mark is skipped as before.
        var input = new Utf8Input(stream, options.MaxBytes, decompressed);
        return Read(new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: false), options, source);
    }

    private static Table Read(TextReader text, CsvReadOptions options, string source)
    {
        try
        {
            using var reader = Open(text, options);
            return Read(reader, options);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source} is refused: {e.Message}.", e);
        }
    }

    private static SepReader Open(TextReader text, CsvReadOptions options)
    {
        // Quotes are left in place (Unescape = false) so that each row's raw text shows a quote that never closes,
        // and the field count is checked here so that the message can name the line without echoing it raw.
        var sep = new SepReaderOptions { Unescape = false, DisableColCountCheck = true };
        if (options.Separator is { } separator) sep = sep with { Sep = new Sep(separator) };
        try
        {
            return sep.From(text);
        }
        catch (ArgumentException e)
        {
            // Sep refuses a header that names a column twice.
            throw new InvalidDataException($"line 1 (the header): {Untrusted.Show(e.Message)}", e);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidDataException($"line 1 (the header) is longer than the CSV reader takes; a quote that never closes? ({Untrusted.Show(e.Message)})", e);
        }
    }

    private static Table Read(SepReader reader, CsvReadOptions options)
    {
        var names = ReadHeader(reader.Header.ColNames);
        foreach (var given in options.ColumnKinds.Keys)
        {
            if (!names.Contains(given))
                throw new InvalidDataException($"the header has no column {Untrusted.Quote(given)}, which CsvReadOptions.ColumnKinds names");
        }

        var missing = new HashSet<string>(options.MissingMarkers, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        var builders = new ColumnBuilder[names.Length];
        for (var i = 0; i < builders.Length; i++)
        {
            builders[i] = new ColumnBuilder(names[i], options.ColumnKinds.TryGetValue(names[i], out var kind) ? kind : null);
        }

        var scratch = new char[256];
        var rows = 0;
        var nextLine = 2;
        try
        {
            foreach (var row in reader)
            {
                var span = row.Span;
                var open = OpenQuote(span);
                if (open >= 0) throw UnclosedQuote(row.LineNumberFrom + LineBreaks(span[..open]), span[open..]);
                if (row.ColCount != names.Length)
                {
                    throw new InvalidDataException(
                        $"line {row.LineNumberFrom:N0} has {row.ColCount:N0} field{(row.ColCount == 1 ? "" : "s")} but the header has {names.Length:N0}: {Untrusted.Quote(span)}");
                }
                if (rows == options.MaxRows)
                    throw new InvalidDataException($"it has more than {options.MaxRows:N0} rows (CsvReadOptions.MaxRows; give a larger limit to read it)");
                for (var i = 0; i < builders.Length; i++)
                {
                    var value = Unquote(row[i].Span, ref scratch);
                    if (missing.Contains(value)) builders[i].AddMissing();
                    else builders[i].Add(value, row.LineNumberFrom, rows);
                }
                rows++;
                nextLine = row.LineNumberToExcl;
            }
        }
        catch (NotSupportedException e)
        {
            throw new InvalidDataException($"the row from line {nextLine:N0} is longer than the CSV reader takes; a quote that never closes? ({Untrusted.Show(e.Message)})", e);
        }
        return new Table(builders.Select(b => b.Build()));
    }

    /// <summary>The unquoted, checked column names of the header.</summary>
    private static string[] ReadHeader(IReadOnlyList<string> raw)
    {
        if (raw.Count == 0) throw new InvalidDataException("it is empty: there is no header row");
        var names = new string[raw.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lineBreaks = 0;
        var scratch = new char[256];
        for (var i = 0; i < raw.Count; i++)
        {
            var span = raw[i].AsSpan();
            var open = OpenQuote(span);
            if (open >= 0) throw UnclosedQuote(1 + lineBreaks + LineBreaks(span[..open]), span[open..]);
            lineBreaks += LineBreaks(span);
            names[i] = Unquote(span, ref scratch).ToString();
            if (names[i].Length == 0) throw new InvalidDataException($"line 1 (the header): column {i + 1} has no name");
            if (!seen.Add(names[i])) throw new InvalidDataException($"line 1 (the header) names column {Untrusted.Quote(names[i])} twice");
        }
        return names;
    }

    /// <summary>
    /// Where the quote that never closes opens in a row's raw text, or -1. The CSV reader takes a quote anywhere as
    /// opening or closing a quoted stretch, so a row's quotes pair up unless one is left open, and then that row runs
    /// to the end of the file.
    /// </summary>
    private static int OpenQuote(ReadOnlySpan<char> raw)
    {
        if (raw.Count('"') % 2 == 0) return -1;
        var open = -1;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '"') open = open < 0 ? i : -1;
        }
        return open;
    }

    private static InvalidDataException UnclosedQuote(int line, ReadOnlySpan<char> fromQuote) =>
        new($"line {line:N0}: a quote opens here and never closes, so every later line would read as one value: {Untrusted.Quote(fromQuote)}");

    /// <summary>Line breaks as the CSV reader counts them: \n, \r\n and a lone \r.</summary>
    private static int LineBreaks(ReadOnlySpan<char> text) => text.Count('\n') + text.Count('\r') - text.Count("\r\n");

    /// <summary>A field without its quotes: "a ""b""" is a "b"; text after the closing quote is kept as it is.</summary>
    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> raw, ref char[] scratch)
    {
        if (raw.IsEmpty || raw[0] != '"') return raw;
        if (scratch.Length < raw.Length) scratch = new char[Math.Max(raw.Length, scratch.Length * 2)];
        var length = 0;
        for (var i = 1; i < raw.Length; i++)
        {
            if (raw[i] != '"')
            {
                scratch[length++] = raw[i];
            }
            else if (i + 1 < raw.Length && raw[i + 1] == '"')
            {
                scratch[length++] = '"';
                i++;
            }
            else
            {
                raw[(i + 1)..].CopyTo(scratch.AsSpan(length));
                length += raw.Length - i - 1;
                break;
            }
        }
        return scratch.AsSpan(0, length);
    }

    /// <summary>
    /// Collects one column's values, each stored once: while every value so far is a number, as doubles (with the
    /// text of the few whose written form is not the number's shortest one, so that a column that turns out to be
    /// text keeps "1.50" as written); from the first word on, as strings.
    /// </summary>
    private sealed class ColumnBuilder(string name, ColumnKind? given)
    {
        private readonly StringPool pool = new();
        private double[] numbers = given == ColumnKind.Text ? [] : new double[16];
        private string?[]? texts = given == ColumnKind.Text ? new string?[16] : null;
        private List<(int Row, string Text)>? written;
        private int count;

        public void AddMissing()
        {
            if (texts is null) AppendNumber(double.NaN);
            else AppendText(null);
        }

        public void Add(ReadOnlySpan<char> span, int line, int row)
        {
            if (texts is not null)
            {
                AppendText(pool.Get(span));
                return;
            }
            if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                // "NaN" reads as missing in a numeric column but stays "NaN" if the column is text.
                if (given is null && (double.IsNaN(value) || !IsShortestForm(value, span))) (written ??= []).Add((count, pool.Get(span)));
                AppendNumber(value);
            }
            else if (given == ColumnKind.Numeric)
            {
                throw new InvalidDataException(
                    $"line {line:N0} (row {row:N0}): column {Untrusted.Quote(name)} is numeric but holds {Untrusted.Quote(span)}, which is not a number");
            }
            else
            {
                BecomeText();
                AppendText(pool.Get(span));
            }
        }

        public Column Build() =>
            texts is null
                ? Data.Column.OwnNumeric(name, Trimmed(numbers, count))
                : Data.Column.OwnText(name, Trimmed(texts, count));

        /// <summary>The numbers so far as text, as written.</summary>
        private void BecomeText()
        {
            texts = new string?[Math.Max(16, numbers.Length)];
            Span<char> formatted = stackalloc char[32];
            for (var row = 0; row < count; row++)
            {
                var value = numbers[row];
                if (double.IsNaN(value)) continue;
                texts[row] = value.TryFormat(formatted, out var length, "R", CultureInfo.InvariantCulture)
                    ? pool.Get(formatted[..length])
                    : Data.Column.FormatNumber(value);
            }
            foreach (var (row, text) in written ?? []) texts[row] = text;
            written = null;
            numbers = [];
        }

        private void AppendNumber(double value)
        {
            if (count == numbers.Length) Array.Resize(ref numbers, Grown(count));
            numbers[count++] = value;
        }

        private void AppendText(string? value)
        {
            if (count == texts!.Length) Array.Resize(ref texts, Grown(count));
            texts[count++] = value;
        }

        private static int Grown(int count) =>
            count < Array.MaxLength / 2 ? count * 2 : count < Array.MaxLength ? Array.MaxLength : throw new InvalidDataException("it has more rows than a table can hold");

        private static T[] Trimmed<T>(T[] values, int count)
        {
            if (values.Length != count) Array.Resize(ref values, count);
            return values;
        }

        /// <summary>Whether <paramref name="written"/> is how <see cref="Column.FormatNumber"/> writes <paramref name="value"/> ("1.5", not "1.50" or "+1.5").</summary>
        private static bool IsShortestForm(double value, ReadOnlySpan<char> written)
        {
            // Plain integers without a leading zero are the common case.
            var digits = written.Length > 0 && written[0] == '-' ? written[1..] : written;
            if (digits.Length is > 0 and <= 15 && !digits.ContainsAnyExceptInRange('0', '9'))
                return digits[0] != '0' || written.Length == 1;
            Span<char> formatted = stackalloc char[32];
            return value.TryFormat(formatted, out var length, "R", CultureInfo.InvariantCulture) && formatted[..length].SequenceEqual(written);
        }
    }
}
