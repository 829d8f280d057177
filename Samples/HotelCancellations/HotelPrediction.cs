using System.Globalization;
using ModelGen.Data;
using ModelGen.Kernels;

namespace ModelGen.Samples.HotelCancellations;

/// <summary>
/// Scores bookings with a trained HotelNet and the preparation saved beside its weights: one "row,probability" line
/// per booking that can be prepared. A booking with a bad value (text where a number belongs, an unknown month name,
/// an infinite number, a missing value no step fills) is reported on the error writer, naming its row and column, and
/// skipped; the others are still scored. Rows count from 1, the first booking after the header.
/// </summary>
public static class HotelPrediction
{
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
            if (!File.Exists(required))
            {
                error.WriteLine($"{required} does not exist.");
                return 1;
            }
        }

        using var model = new HotelNet(batchCapacity: HotelTraining.BatchSize, seed: 0, device: Device.Cpu());
        ColumnTransformer preparation;
        Table bookings;
        try
        {
            model.Load(weights);
            preparation = ColumnTransformer.Load(preparationPath);
            bookings = Table.ReadCsv(inputPath);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }

        if (preparation.FeatureCount != HotelNet.InputSize)
        {
            error.WriteLine($"{preparationPath} gives {preparation.FeatureCount} features, but HotelNet takes {HotelNet.InputSize}.");
            return 1;
        }

        string[] absent = [.. HotelData.Numeric.Concat(HotelData.Categorical).Where(c => !bookings.TryGetColumn(c, out _))];
        if (absent.Length > 0)
        {
            error.WriteLine($"{inputPath} lacks the column{(absent.Length == 1 ? "" : "s")} {string.Join(", ", absent.Select(c => $"'{c}'"))}.");
            return 1;
        }

        var problems = new SortedDictionary<int, string>();
        bookings = Typed(bookings, problems);
        FeatureMatrix features = preparation.TransformRows(bookings, out IReadOnlyList<RowError> errors);
        foreach (RowError bad in errors)
        {
            problems.TryAdd(bad.Row, Describe(bad.Row, bad.Column, bad.Value, "cannot be prepared (no step fills a missing value there)"));
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
                problems.Add(row, Describe(row, column, bookings.Column(column).Format(row), "is too large once standardised"));
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
            error.WriteLine($"No booking of {inputPath} could be scored.");
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
    /// Gives each feature column the type it had in training, cell by cell: a numeric column with a non-number or an
    /// infinite number, or a month that is not a month's name, records a problem for that row and leaves the cell
    /// missing, so that the rest of the file can still be prepared.
    /// </summary>
    private static Table Typed(Table bookings, SortedDictionary<int, string> problems)
    {
        foreach (string name in HotelData.Numeric)
        {
            bookings = bookings.With(Numbers(bookings.Column(name), problems));
        }

        bookings = bookings.With(MonthNumbers(bookings.Column(HotelData.Month), problems));
        foreach (string name in HotelData.Categorical.Where(c => c != HotelData.Month))
        {
            Column column = bookings.Column(name);
            if (column.Kind == ColumnKind.Numeric)
            {
                // A column of numbers-only categories (or only missing values) still holds categories.
                string?[] texts = [.. Enumerable.Range(0, column.Length).Select(row => column.IsMissing(row) ? null : column.Format(row))];
                bookings = bookings.With(Column.Text(name, texts));
            }
        }

        return bookings;
    }

    private static Column Numbers(Column column, SortedDictionary<int, string> problems)
    {
        var values = new double[column.Length];
        for (int row = 0; row < column.Length; row++)
        {
            if (column.Kind == ColumnKind.Numeric)
            {
                values[row] = column.Numbers[row];
            }
            else if (column.Texts[row] is not string text)
            {
                values[row] = double.NaN;
            }
            else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[row]))
            {
                problems.TryAdd(row, Describe(row, column.Name, text, "is not a number"));
                values[row] = double.NaN;
            }

            if (double.IsInfinity(values[row]))
            {
                problems.TryAdd(row, Describe(row, column.Name, column.Format(row), "is not a finite number"));
                values[row] = double.NaN;
            }
        }

        return Column.Numeric(column.Name, values);
    }

    private static Column MonthNumbers(Column column, SortedDictionary<int, string> problems)
    {
        if (column.Kind == ColumnKind.Numeric)
        {
            return column;
        }

        var values = new double[column.Length];
        for (int row = 0; row < column.Length; row++)
        {
            if (column.Texts[row] is not string text)
            {
                values[row] = double.NaN;
            }
            else if (!HotelData.Months.TryGetValue(text, out values[row]))
            {
                problems.TryAdd(row, Describe(row, column.Name, text, "is not a month's name (January to December)"));
                values[row] = double.NaN;
            }
        }

        return Column.Numeric(column.Name, values);
    }

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

    private static string Describe(int row, string column, string value, string what) =>
        $"Row {row + 1}, column '{column}': '{value}' {what}; the booking is skipped.";
}
