using System.Globalization;
using ModelGen.Data;
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
    // The markers training reads as missing (HotelData.Read keeps ReadCsv's defaults): imputed, not reported.
    private static readonly HashSet<string> MissingMarkers = new(new CsvReadOptions().MissingMarkers, StringComparer.Ordinal);

    /// <summary>Runs the predict command; returns 0 when at least one booking was scored, 1 otherwise.</summary>
    /// <param name="modelFolder">The folder the train command wrote (model.safetensors and its preparation).</param>
    /// <param name="inputPath">A CSV of bookings with the course's 22 feature columns (others, such as the label, are ignored).</param>
    /// <param name="output">Receives "row,probability" lines.</param>
    /// <param name="error">Receives one line per skipped booking, and any problem that stops the command.</param>
    public static int Run(string modelFolder, string inputPath, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string weights = Path.Combine(modelFolder, HotelTraining.WeightsFile);
        string preparationPath = ColumnTransformer.PathBesideWeights(weights);
        foreach (string required in new[] { weights, preparationPath, inputPath })
        {
            if (Directory.Exists(required))
            {
                error.WriteLine($"{DisplayText.Escape(required)} is a folder, not a file.");
                return 1;
            }

            if (!File.Exists(required))
            {
                error.WriteLine($"{DisplayText.Escape(required)} does not exist.");
                return 1;
            }
        }

        using var model = new HotelNet(batchCapacity: HotelTraining.BatchSize, seed: 0, device: Device.Cpu());
        var problems = new SortedDictionary<int, string>();
        ColumnTransformer preparation;
        Table cells;
        try
        {
            model.Load(weights);
            preparation = ColumnTransformer.Load(preparationPath);
            cells = BookingsFile.Read(inputPath, problems);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // The loaders name the file and escape what they quote; escaped again here (a no-op on such text) and cut, in
            // case one quotes more than it should.
            error.WriteLine(DisplayText.Escape(e.Message, DisplayText.MessageLimit));
            return 1;
        }

        if (preparation.FeatureCount != HotelNet.InputSize)
        {
            error.WriteLine($"{DisplayText.Escape(preparationPath)} gives {preparation.FeatureCount} features, but HotelNet takes {HotelNet.InputSize}.");
            return 1;
        }

        string[] absent = [.. HotelData.Numeric.Concat(HotelData.Categorical).Where(c => !cells.TryGetColumn(c, out _))];
        if (absent.Length > 0)
        {
            error.WriteLine($"{DisplayText.Escape(inputPath)} lacks the column{(absent.Length == 1 ? "" : "s")} {string.Join(", ", absent.Select(c => $"'{c}'"))}.");
            return 1;
        }

        Table bookings = Typed(cells, problems);
        FeatureMatrix features = preparation.TransformRows(bookings, out IReadOnlyList<RowError> errors);
        foreach (RowError bad in errors)
        {
            string cell = cells.TryGetColumn(bad.Column, out Column? source) ? Cell(source, bad.Row) : bad.Value;
            problems.TryAdd(bad.Row, Describe(bad.Row, bad.Column, cell, "cannot be prepared (no step fills a missing value there)"));
        }

        var rows = new List<int>(features.Rows);
        var kept = new List<float>(features.Values.Length);
        for (int i = 0; i < features.Rows; i++)
        {
            int row = features.SourceRows[i];
            if (problems.ContainsKey(row))
            {
                continue;
            }

            ReadOnlySpan<float> values = features.Row(i);
            int infinite = FirstNonFinite(values);
            if (infinite >= 0)
            {
                string column = SourceColumn(features.FeatureNames[infinite]);
                problems.Add(row, Describe(row, column, Cell(cells.Column(column), row), "is too large once standardised"));
                continue;
            }

            rows.Add(row);
            kept.AddRange(values);
        }

        foreach (string problem in problems.Values)
        {
            error.WriteLine(problem);
        }

        if (rows.Count == 0)
        {
            error.WriteLine($"No booking of {DisplayText.Escape(inputPath)} could be scored.");
            return 1;
        }

        float[] probabilities = model.Predict(kept.ToArray());
        output.WriteLine("row,probability");
        for (int i = 0; i < rows.Count; i++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows[i] + 1},{probabilities[i]:0.000000}"));
        }

        return 0;
    }

    /// <summary>
    /// Gives each feature column the type it had in training, cell by cell, from the cells as written: the missing
    /// markers become missing values (imputed as in training); a number that is not one, not finite or out of its
    /// column's range, a month that is no month, or a day past its month's end records a problem for that row and
    /// leaves the cell missing, so that the rest of the file can still be prepared.
    /// </summary>
    private static Table Typed(Table cells, SortedDictionary<int, string> problems)
    {
        Table bookings = cells;
        foreach (string name in HotelData.Numeric)
        {
            bookings = bookings.With(Numbers(cells.Column(name), problems));
        }

        Column months = MonthNumbers(cells.Column(HotelData.Month), problems);
        bookings = bookings.With(months);
        CheckDays(bookings.Column(HotelData.DayOfMonth), months, cells.TryGetColumn(HotelData.Year, out Column? years) ? years : null, problems);
        foreach (string name in HotelData.Categorical.Where(c => c != HotelData.Month))
        {
            Column column = cells.Column(name);
            string?[] texts = [.. Enumerable.Range(0, column.Length).Select(row => IsMissing(column, row) ? null : Cell(column, row))];
            bookings = bookings.With(Column.Text(name, texts));
        }

        return bookings;
    }

    private static Column Numbers(Column column, SortedDictionary<int, string> problems)
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
                problems.TryAdd(row, Describe(row, column.Name, text, "is not a number"));
            }
            else if (double.IsInfinity(value))
            {
                problems.TryAdd(row, Describe(row, column.Name, text, "is not a finite number"));
            }
            else if (counted && !double.IsNaN(value) && !IsWhole(value, range.Min, range.Max))
            {
                string bounds = range.Max == int.MaxValue ? $"of at least {range.Min}" : $"from {range.Min} to {range.Max}";
                problems.TryAdd(row, Describe(row, column.Name, text, $"is not a whole number {bounds}"));
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
    private static Column MonthNumbers(Column column, SortedDictionary<int, string> problems)
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
                problems.TryAdd(row, Describe(row, column.Name, text, "is not a month (January to December, or 1 to 12)"));
                values[row] = double.NaN;
            }
        }

        return Column.Numeric(column.Name, values);
    }

    /// <summary>A day after the last of its month (April 31, February 30; February 29 in a year that is given and not a leap year).</summary>
    private static void CheckDays(Column days, Column months, Column? years, SortedDictionary<int, string> problems)
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
                problems.TryAdd(row, Describe(row, days.Name, Cell(days, row), $"is past the end of {monthName} ({last} days{(yearGiven || month != 2 ? "" : " at most")})"));
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
