using System.Globalization;
using ModelGen.Data;
using System.Text;
using ModelGen.Kernels;

namespace ModelGen.Samples.HotelCancellations;

/// <summary>
/// Scores bookings with a trained HotelNet and the preparation saved beside its weights: one "row,probability" line
/// per booking that can be prepared. A booking that cannot (a row with more or fewer fields than the header, text
/// where a number belongs, a value out of its range such as month 13 or a day past the month's end, an infinite
/// number, a missing month) is reported on the error writer, naming its row and column and showing the cell as
/// written (escaped and cut), and skipped; the others are still scored. Rows count from 1, the first booking after
/// the header.
/// </summary>
public static class HotelPrediction
{
    /// <summary>The weight file's name in a model folder; the preparation lies beside it.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Rows per forward pass when a whole file is scored, as training's batch.</summary>
    public const int BatchSize = 512;

    /// <summary>The most bytes one line of standard input may hold; a longer one is reported and skipped.</summary>
    public const int LineLimit = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The markers training reads as missing (HotelData.Read keeps ReadCsv's defaults): imputed, not reported.
    private static readonly HashSet<string> MissingMarkers = new(new CsvReadOptions().MissingMarkers, StringComparer.Ordinal);

    /// <summary>Runs the predict command; returns 0 when at least one booking was scored, 1 otherwise.</summary>
    /// <param name="modelFolder">The folder the train command wrote (model.safetensors and its preparation).</param>
    /// <param name="inputPath">A CSV of bookings with the course's 22 feature columns (others, such as the label, are ignored).</param>
    /// <param name="output">Receives "row,probability" lines.</param>
    /// <param name="error">Receives one line per skipped booking, and any problem that stops the command.</param>
    /// <param name="roundTrip">Prints each probability with the fewest digits that give back its float exactly, instead of six decimals.</param>
    public static int Run(string modelFolder, string inputPath, TextWriter output, TextWriter error, bool roundTrip = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!IsFile(inputPath, error))
        {
            return 1;
        }

        using Scorer? scorer = Scorer.Open(modelFolder, BatchSize, error);
        if (scorer is null)
        {
            return 1;
        }

        var problems = new SortedDictionary<int, string>();
        Table cells;
        try
        {
            cells = BookingsFile.Read(inputPath, problems);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine(DisplayText.Escape(e.Message, DisplayText.MessageLimit));
            return 1;
        }

        if (!HasFeatureColumns(cells, inputPath, error))
        {
            return 1;
        }

        var rows = new List<int>(cells.Rows);
        var kept = new List<float>(cells.Rows * HotelNet.InputSize);
        scorer.Prepare(cells, firstRow: 0, problems, rows, kept);
        foreach (string problem in problems.Values)
        {
            error.WriteLine(problem);
        }

        if (rows.Count == 0)
        {
            error.WriteLine($"No booking of {DisplayText.Escape(inputPath)} could be scored.");
            return 1;
        }

        float[] probabilities = scorer.Model.Predict(kept.ToArray());
        output.WriteLine("row,probability");
        for (int i = 0; i < rows.Count; i++)
        {
            output.WriteLine(Line(rows[i], probabilities[i], roundTrip));
        }

        return 0;
    }

    /// <summary>
    /// Scores bookings as they come, one line each, from <paramref name="input"/> (standard input): the first line is
    /// the header; each later line is one booking, scored (with a batch of one) and written, and
    /// <paramref name="output"/> flushed, before the next is read. A bad line is reported as the file mode reports
    /// its row, and skipped; so is a line with a quote that does not close on it (a record here never spans lines),
    /// one longer than <see cref="LineLimit"/> bytes and one that is not UTF-8. Returns 0 when at least one booking
    /// was scored, 1 otherwise.
    /// </summary>
    /// <param name="modelFolder">The folder the train command wrote.</param>
    /// <param name="input">UTF-8 CSV text (a byte order mark is skipped), read line by line, each line decoded alone so that bad bytes cost only their line.</param>
    /// <param name="output">Receives "row,probability" lines, flushed after each.</param>
    /// <param name="error">Receives one line per skipped booking, and any problem that stops the command.</param>
    /// <param name="roundTrip">As in <see cref="Run(string, string, TextWriter, TextWriter, bool)"/>.</param>
    public static int RunLines(string modelFolder, Stream input, TextWriter output, TextWriter error, bool roundTrip = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        using Scorer? scorer = Scorer.Open(modelFolder, 1, error);
        if (scorer is null)
        {
            return 1;
        }

        const string Source = "Standard input";
        int scored = 0;
        int record = -1;
        // Buffered, since lines are read a byte at a time; a read returns what the pipe holds, so lines still flow one by one.
        using var bytes = new BufferedStream(input, 1 << 16);
        var line = new List<byte>();
        try
        {
            LineProblem headerProblem = ReadLine(bytes, line);
            string? header = headerProblem == LineProblem.None ? Decode(line, first: true) : null;
            if (header is null)
            {
                error.WriteLine(headerProblem switch
                {
                    LineProblem.End => $"{Source} is empty: it needs a header line, then one booking per line.",
                    LineProblem.TooLong => $"{Source}'s header is longer than {LineLimit:N0} bytes.",
                    _ => $"{Source}'s header is not UTF-8 text.",
                });
                return 1;
            }

            Table columns;
            try
            {
                columns = BookingsFile.ReadHeader(header);
            }
            catch (InvalidDataException e)
            {
                error.WriteLine($"{Source}'s header is refused: {DisplayText.Escape(e.Message, DisplayText.MessageLimit)}");
                return 1;
            }

            if (!HasFeatureColumns(columns, $"{Source}'s header", error))
            {
                return 1;
            }

            output.WriteLine("row,probability");
            output.Flush();
            var rows = new List<int>(1);
            var kept = new List<float>(HotelNet.InputSize);
            var probability = new float[1];
            var problems = new SortedDictionary<int, string>();
            for (LineProblem read = ReadLine(bytes, line); read != LineProblem.End; read = ReadLine(bytes, line))
            {
                record++;
                rows.Clear();
                kept.Clear();
                problems.Clear();
                string? text = read == LineProblem.None ? Decode(line, first: false) : null;
                if (read == LineProblem.TooLong)
                {
                    problems.Add(record, $"Row {record + 1} is longer than {LineLimit:N0} bytes; the booking is skipped.");
                }
                else if (text is null)
                {
                    problems.Add(record, $"Row {record + 1} is not UTF-8 text; the booking is skipped.");
                }
                else if (BookingsFile.ReadRecord(header, text, record, problems) is Table cells)
                {
                    scorer.Prepare(cells, record, problems, rows, kept);
                }

                foreach (string problem in problems.Values)
                {
                    error.WriteLine(problem);
                }

                if (rows.Count == 1)
                {
                    scorer.Model.Predict(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kept), probability);
                    output.WriteLine(Line(rows[0], probability[0], roundTrip));
                    output.Flush();
                    scored++;
                }
            }
        }
        catch (IOException e)
        {
            error.WriteLine($"{Source} cannot be read (after row {record + 1}): {DisplayText.Escape(e.Message, DisplayText.MessageLimit)}");
            return 1;
        }

        if (scored == 0)
        {
            error.WriteLine($"No booking of {Source.ToLowerInvariant()} could be scored.");
            return 1;
        }

        return 0;
    }

    private static string Line(int row, float probability, bool roundTrip) => roundTrip
        ? string.Create(CultureInfo.InvariantCulture, $"{row + 1},{probability:R}")
        : string.Create(CultureInfo.InvariantCulture, $"{row + 1},{probability:0.000000}");

    private static bool IsFile(string path, TextWriter error)
    {
        if (Directory.Exists(path))
        {
            error.WriteLine($"{DisplayText.Escape(path)} is a folder, not a file.");
            return false;
        }

        if (!File.Exists(path))
        {
            error.WriteLine($"{DisplayText.Escape(path)} does not exist.");
            return false;
        }

        return true;
    }

    private static bool HasFeatureColumns(Table cells, string source, TextWriter error)
    {
        string[] absent = [.. HotelData.Numeric.Concat(HotelData.Categorical).Where(c => !cells.TryGetColumn(c, out _))];
        if (absent.Length > 0)
        {
            error.WriteLine($"{DisplayText.Escape(source)} lacks the column{(absent.Length == 1 ? "" : "s")} {string.Join(", ", absent.Select(c => $"'{c}'"))}.");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads the bytes of one line, without its line break, into <paramref name="line"/>: at most
    /// <see cref="LineLimit"/> of them (the rest of a longer line is read and dropped, and <see cref="LineProblem.TooLong"/>
    /// given); <see cref="LineProblem.End"/> at the end of the input.
    /// </summary>
    private static LineProblem ReadLine(Stream input, List<byte> line)
    {
        line.Clear();
        int b = input.ReadByte();
        if (b < 0)
        {
            return LineProblem.End;
        }

        bool tooLong = false;
        for (; b >= 0 && b != '\n'; b = input.ReadByte())
        {
            if (line.Count < LineLimit)
            {
                line.Add((byte)b);
            }
            else
            {
                tooLong = true;
            }
        }

        if (line.Count > 0 && line[^1] == '\r')
        {
            line.RemoveAt(line.Count - 1);
        }

        return tooLong ? LineProblem.TooLong : LineProblem.None;
    }

    /// <summary>The line's bytes as text (the first line without a byte order mark), or null when they are not UTF-8.</summary>
    private static string? Decode(List<byte> line, bool first)
    {
        ReadOnlySpan<byte> bytes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(line);
        if (first && bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>What <see cref="ReadLine"/> found: a line, the end of the input, or a line too long to keep.</summary>
    private enum LineProblem
    {
        None,
        End,
        TooLong,
    }

    /// <summary>The loaded model and preparation of a model folder.</summary>
    private sealed class Scorer(HotelNet model, ColumnTransformer preparation) : IDisposable
    {
        public HotelNet Model { get; } = model;

        /// <summary>Loads the folder's model (for batches of up to <paramref name="batchCapacity"/> rows) and preparation, or reports why not and gives null.</summary>
        public static Scorer? Open(string modelFolder, int batchCapacity, TextWriter error)
        {
            string weights = Path.Combine(modelFolder, WeightsFile);
            string preparationPath = ColumnTransformer.PathBesideWeights(weights);
            if (!IsFile(weights, error) || !IsFile(preparationPath, error))
            {
                return null;
            }

            // The loaders name the file and escape what they quote; escaped again here (a no-op on such text) and cut, in
            // case one quotes more than it should.
            static bool Unreadable(Exception e) => e is InvalidDataException or IOException or UnauthorizedAccessException;
            HotelNet model;
            try
            {
                // Straight to the trained weights, without drawing random ones first (a part of the start-up).
                model = HotelNet.FromWeights(weights, batchCapacity, Device.Cpu(1));
            }
            catch (Exception e) when (Unreadable(e))
            {
                error.WriteLine(DisplayText.Escape(e.Message, DisplayText.MessageLimit));
                return null;
            }

            ColumnTransformer preparation;
            try
            {
                preparation = ColumnTransformer.Load(preparationPath);
            }
            catch (Exception e) when (Unreadable(e))
            {
                model.Dispose();
                error.WriteLine(DisplayText.Escape(e.Message, DisplayText.MessageLimit));
                return null;
            }

            if (preparation.FeatureCount != HotelNet.InputSize)
            {
                model.Dispose();
                error.WriteLine($"{DisplayText.Escape(preparationPath)} gives {preparation.FeatureCount} features, but HotelNet takes {HotelNet.InputSize}.");
                return null;
            }

            return new Scorer(model, preparation);
        }

        /// <summary>
        /// Types and prepares <paramref name="cells"/>, whose row 0 is booking <paramref name="firstRow"/>: each row that
        /// can be scored adds its number to <paramref name="rows"/> and its features to <paramref name="kept"/>, each
        /// other one its problem to <paramref name="problems"/>.
        /// </summary>
        public void Prepare(Table cells, int firstRow, SortedDictionary<int, string> problems, List<int> rows, List<float> kept)
        {
            Table bookings = Typed(cells, firstRow, problems);
            FeatureMatrix features = preparation.TransformRows(bookings, out IReadOnlyList<RowError> errors);
            foreach (RowError bad in errors)
            {
                string cell = cells.TryGetColumn(bad.Column, out Column? source) ? Cell(source, bad.Row) : bad.Value;
                problems.TryAdd(firstRow + bad.Row, Describe(firstRow + bad.Row, bad.Column, cell, "cannot be prepared (no step fills a missing value there)"));
            }

            for (int i = 0; i < features.Rows; i++)
            {
                int row = firstRow + features.SourceRows[i];
                if (problems.ContainsKey(row))
                {
                    continue;
                }

                ReadOnlySpan<float> values = features.Row(i);
                int infinite = FirstNonFinite(values);
                if (infinite >= 0)
                {
                    string column = SourceColumn(features.FeatureNames[infinite]);
                    problems.Add(row, Describe(row, column, Cell(cells.Column(column), row - firstRow), "is too large once standardised"));
                    continue;
                }

                rows.Add(row);
                kept.AddRange(values);
            }
        }

        public void Dispose() => Model.Dispose();
    }

    /// <summary>
    /// Gives each feature column the type it had in training, cell by cell, from the cells as written: the missing
    /// markers become missing values (imputed as in training); a number that is not one, not finite or out of its
    /// column's range, a month that is no month, or a day past its month's end records a problem for that row and
    /// leaves the cell missing, so that the rest of the file can still be prepared.
    /// </summary>
    private static Table Typed(Table cells, int firstRow, SortedDictionary<int, string> problems)
    {
        Table bookings = cells;
        foreach (string name in HotelData.Numeric)
        {
            bookings = bookings.With(Numbers(cells.Column(name), firstRow, problems));
        }

        Column months = MonthNumbers(cells.Column(HotelData.Month), firstRow, problems);
        bookings = bookings.With(months);
        CheckDays(bookings.Column(HotelData.DayOfMonth), months, cells.TryGetColumn(HotelData.Year, out Column? years) ? years : null, firstRow, problems);
        foreach (string name in HotelData.Categorical.Where(c => c != HotelData.Month))
        {
            Column column = cells.Column(name);
            string?[] texts = [.. Enumerable.Range(0, column.Length).Select(row => IsMissing(column, row) ? null : Cell(column, row))];
            bookings = bookings.With(Column.Text(name, texts));
        }

        return bookings;
    }

    private static Column Numbers(Column column, int firstRow, SortedDictionary<int, string> problems)
    {
        bool counted = HotelData.WholeNumberRanges.TryGetValue(column.Name, out var range);
        var values = new double[column.Length];
        for (int row = 0; row < column.Length; row++)
        {
            string text = Cell(column, row);
            values[row] = double.NaN;
            if (IsMissing(column, row))
            {
                continue;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                problems.TryAdd(firstRow + row, Describe(firstRow + row, column.Name, text, "is not a number"));
            }
            else if (double.IsInfinity(value))
            {
                problems.TryAdd(firstRow + row, Describe(firstRow + row, column.Name, text, "is not a finite number"));
            }
            else if (counted && !double.IsNaN(value) && !IsWhole(value, range.Min, range.Max))
            {
                string bounds = range.Max == int.MaxValue ? $"of at least {range.Min}" : $"from {range.Min} to {range.Max}";
                problems.TryAdd(firstRow + row, Describe(firstRow + row, column.Name, text, $"is not a whole number {bounds}"));
            }
            else
            {
                // "NaN" among text cells stays missing, as training's reader reads it: imputed.
                values[row] = value;
            }
        }

        return Column.Numeric(column.Name, values);
    }

    /// <summary>Month names as the course maps them, or the numbers 1 to 12; anything else, a missing month included, is refused (no step fills it).</summary>
    private static Column MonthNumbers(Column column, int firstRow, SortedDictionary<int, string> problems)
    {
        var values = new double[column.Length];
        for (int row = 0; row < column.Length; row++)
        {
            string text = Cell(column, row);
            if (HotelData.Months.TryGetValue(text, out values[row]))
            {
                continue;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[row]) || !IsWhole(values[row], 1, 12))
            {
                problems.TryAdd(firstRow + row, Describe(firstRow + row, column.Name, text, "is not a month (January to December, or 1 to 12)"));
                values[row] = double.NaN;
            }
        }

        return Column.Numeric(column.Name, values);
    }

    /// <summary>A day after the last of its month (April 31, February 30; February 29 in a year that is given and not a leap year).</summary>
    private static void CheckDays(Column days, Column months, Column? years, int firstRow, SortedDictionary<int, string> problems)
    {
        for (int row = 0; row < days.Length; row++)
        {
            double day = days.Numbers[row];
            double month = months.Numbers[row];
            if (double.IsNaN(day) || double.IsNaN(month))
            {
                continue;
            }

            // Without a year, February may have 29 days (2000 was a leap year).
            double year = 0;
            bool yearGiven = years is not null && double.TryParse(Cell(years, row), NumberStyles.Float, CultureInfo.InvariantCulture, out year) && IsWhole(year, 1, 9999);
            int last = DateTime.DaysInMonth(yearGiven ? (int)year : 2000, (int)month);
            if (day > last)
            {
                string monthName = CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName((int)month);
                problems.TryAdd(firstRow + row, Describe(firstRow + row, days.Name, Cell(days, row), $"is past the end of {monthName} ({last} days{(yearGiven || month != 2 ? "" : " at most")})"));
            }
        }
    }

    private static bool IsWhole(double value, int min, int max) => value >= min && value <= max && value == Math.Floor(value);

    /// <summary>Missing as training reads it: a missing marker, or NaN in a column of numbers.</summary>
    private static bool IsMissing(Column column, int row) =>
        column.Kind == ColumnKind.Numeric ? double.IsNaN(column.Numbers[row]) : column.Texts[row] is not string text || MissingMarkers.Contains(text);

    /// <summary>A cell as the file wrote it (a numeric column's value in the invariant culture).</summary>
    private static string Cell(Column column, int row) =>
        column.Kind == ColumnKind.Numeric ? column.Format(row) : column.Texts[row] ?? "";

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // "pipeline-1__adr" -> "adr": the prepared feature's source column (numeric features keep their column's name).
    private static string SourceColumn(string feature)
    {
        int separator = feature.IndexOf("__", StringComparison.Ordinal);
        return separator < 0 ? feature : feature[(separator + 2)..];
    }

    private static string Describe(int row, string column, string cell, string what) =>
        $"Row {row + 1}, column '{column}': {(cell.Length == 0 ? "the empty cell" : DisplayText.Quote(cell))} {what}; the booking is skipped.";
}
