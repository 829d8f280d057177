using System.Text.Json;

namespace ModelGen.Data;

/// <summary>
/// Replaces missing values (NaN, null) column by column, as scikit-learn's SimpleImputer: with the mean, median or
/// most frequent training value, or with a constant. Constant defaults: 0 for numeric, "missing_value" for text
/// columns. A text fill value cannot fill a numeric column: fitting or transforming such a column with a missing
/// value throws.
/// </summary>
public sealed class SimpleImputer : Transformer
{
    internal const string KindName = "SimpleImputer";
    private const string DefaultTextFill = "missing_value";

    private double[] numberFills = [];
    private string?[] textFills = [];

    /// <summary>An imputer with the given strategy (scikit-learn's default is <see cref="ImputeStrategy.Mean"/>).</summary>
    public SimpleImputer(ImputeStrategy strategy = ImputeStrategy.Mean)
    {
        Strategy = strategy;
    }

    /// <summary>A constant imputer filling numeric columns with <paramref name="fillValue"/> (and text columns with its invariant text).</summary>
    /// <exception cref="ArgumentException"><paramref name="strategy"/> is not <see cref="ImputeStrategy.Constant"/>, or the value is NaN.</exception>
    public SimpleImputer(ImputeStrategy strategy, double fillValue)
        : this(RequireConstant(strategy))
    {
        if (double.IsNaN(fillValue)) throw new ArgumentException("The fill value cannot be NaN: NaN means missing.", nameof(fillValue));
        FillNumber = fillValue;
    }

    /// <summary>A constant imputer filling text columns with <paramref name="fillValue"/> (as scikit-learn's fill_value="NA").</summary>
    /// <exception cref="ArgumentException"><paramref name="strategy"/> is not <see cref="ImputeStrategy.Constant"/>.</exception>
    public SimpleImputer(ImputeStrategy strategy, string fillValue)
        : this(RequireConstant(strategy))
    {
        ArgumentNullException.ThrowIfNull(fillValue);
        FillText = fillValue;
    }

    /// <summary>How the fill value is chosen.</summary>
    public ImputeStrategy Strategy { get; }

    /// <summary>The numeric constant given, if any.</summary>
    public double? FillNumber { get; private init; }

    /// <summary>The text constant given, if any.</summary>
    public string? FillText { get; private init; }

    internal override string Kind => KindName;

    internal override IReadOnlyList<(string Name, ColumnKind Kind)> OutputColumns =>
        [.. InputColumns.Select((name, i) => (name, InputKinds[i]))];

    /// <summary>The value that replaces a missing value in numeric column <paramref name="column"/> (NaN: none).</summary>
    public double NumberFill(string column) => numberFills[IndexOf(column, ColumnKind.Numeric)];

    /// <summary>The value that replaces a missing value in text column <paramref name="column"/>.</summary>
    public string TextFill(string column) => textFills[IndexOf(column, ColumnKind.Text)]!;

    private protected override void FitCore(IReadOnlyList<Column> columns)
    {
        var numbers = new double[columns.Count];
        var texts = new string?[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            numbers[i] = double.NaN;
            if (column.Kind == ColumnKind.Numeric) numbers[i] = FitNumeric(column);
            else texts[i] = FitText(column);
        }
        numberFills = numbers;
        textFills = texts;
    }

    private double FitNumeric(Column column)
    {
        if (Strategy == ImputeStrategy.Constant)
        {
            if (FillNumber is { } number) return number;
            if (FillText is null) return 0;
            // A text constant cannot live in a numeric column; harmless until a value is missing.
            var missing = FirstMissing(column);
            if (missing >= 0) throw new ArgumentException(TextFillOnNumbers(column.Name, missing));
            return double.NaN;
        }
        var values = column.Numbers.ToArray().Where(v => !double.IsNaN(v)).ToArray();
        if (values.Length == 0)
            throw new ArgumentException($"{KindName}: column {Untrusted.Quote(column.Name)} has no non-missing value to compute the {Strategy} from.");
        switch (Strategy)
        {
            case ImputeStrategy.Mean:
                var sum = 0.0;
                foreach (var v in values) sum += v;
                return sum / values.Length;
            case ImputeStrategy.Median:
                Array.Sort(values);
                var middle = values.Length / 2;
                return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
            default:
                return MostFrequent(values, Comparer<double>.Default);
        }
    }

    private string FitText(Column column)
    {
        switch (Strategy)
        {
            case ImputeStrategy.Constant:
                return FillText ?? (FillNumber is { } number ? Column.FormatNumber(number) : DefaultTextFill);
            case ImputeStrategy.MostFrequent:
                var values = column.Texts.ToArray().Where(v => v is not null).Select(v => v!).ToArray();
                if (values.Length == 0)
                    throw new ArgumentException($"{KindName}: column {Untrusted.Quote(column.Name)} has no non-missing value to compute the {Strategy} from.");
                return MostFrequent(values, StringComparer.Ordinal);
            default:
                throw new ArgumentException($"{KindName}: strategy {Strategy} needs numeric columns but column {Untrusted.Quote(column.Name)} is text.");
        }
    }

    /// <summary>The most frequent value; among ties the smallest, as scikit-learn.</summary>
    private static T MostFrequent<T>(T[] values, IComparer<T> order)
        where T : notnull
    {
        var counts = new Dictionary<T, int>();
        foreach (var value in values) counts[value] = counts.GetValueOrDefault(value) + 1;
        var best = values[0];
        var bestCount = 0;
        foreach (var (value, count) in counts)
        {
            if (count > bestCount || (count == bestCount && order.Compare(value, best) < 0))
            {
                best = value;
                bestCount = count;
            }
        }
        return best;
    }

    private protected override Table TransformCore(Column[] columns, RowErrorSink? errors)
    {
        var result = new Column[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            if (column.Kind == ColumnKind.Numeric)
            {
                var values = column.Numbers.ToArray();
                for (var row = 0; row < values.Length; row++)
                {
                    if (!double.IsNaN(values[row])) continue;
                    if (double.IsNaN(numberFills[i])) RowErrorSink.Report(errors, row, column.Name, "NaN", TextFillOnNumbers(column.Name, row));
                    else values[row] = numberFills[i];
                }
                result[i] = Column.OwnNumeric(column.Name, values);
            }
            else
            {
                var values = column.Texts.ToArray();
                for (var row = 0; row < values.Length; row++) values[row] ??= textFills[i];
                result[i] = Column.OwnText(column.Name, values);
            }
        }
        return new Table(result);
    }

    private string TextFillOnNumbers(string column, int row) =>
        $"{KindName}: column {Untrusted.Quote(column)}, row {row} is missing, but the fill value {Untrusted.Quote(FillText)} is text and the column is numeric; give a numeric fill value.";

    private static int FirstMissing(Column column)
    {
        for (var row = 0; row < column.Length; row++)
        {
            if (column.IsMissing(row)) return row;
        }
        return -1;
    }

    private int IndexOf(string column, ColumnKind kind)
    {
        var names = InputColumns;
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == column && InputKinds[i] == kind) return i;
        }
        throw new KeyNotFoundException($"{KindName} was not fitted on a {Column.KindName(kind)} column {Untrusted.Quote(column)}.");
    }

    private static ImputeStrategy RequireConstant(ImputeStrategy strategy) =>
        strategy == ImputeStrategy.Constant
            ? strategy
            : throw new ArgumentException($"A fill value is used only by ImputeStrategy.Constant, not {strategy}.", nameof(strategy));

    private protected override void WriteState(Utf8JsonWriter writer)
    {
        writer.WriteString("strategy", Strategy.ToString());
        // An infinite constant is allowed and written as "Infinity", as other numbers of the file.
        writer.WritePropertyName("fillNumber");
        if (FillNumber is { } number) JsonValue.WriteNumber(writer, number);
        else writer.WriteNullValue();
        writer.WriteString("fillText", FillText);
        writer.WriteStartArray("fills");
        for (var i = 0; i < numberFills.Length; i++)
        {
            if (textFills[i] is { } text) writer.WriteStringValue(text);
            else if (double.IsNaN(numberFills[i])) writer.WriteNullValue();
            else JsonValue.WriteNumber(writer, numberFills[i]);
        }
        writer.WriteEndArray();
    }

    internal static SimpleImputer ReadState(JsonValue json, ColumnKind[] kinds)
    {
        var strategy = json.GetEnum("strategy",
            ("Mean", ImputeStrategy.Mean), ("Median", ImputeStrategy.Median),
            ("MostFrequent", ImputeStrategy.MostFrequent), ("Constant", ImputeStrategy.Constant));
        var fillNumber = json.Get("fillNumber");
        var fillText = json.Get("fillText");
        var imputer = new SimpleImputer(strategy)
        {
            FillNumber = fillNumber.Kind == JsonValueKind.Null ? null : fillNumber.AsNumber(),
            FillText = fillText.Kind == JsonValueKind.Null ? null : fillText.AsString(),
        };
        // The constructors' rules: a fill value only with Constant, at most one of them, and never NaN (NaN is missing).
        if (double.IsNaN(imputer.FillNumber ?? 0)) throw fillNumber.Refuse("the fill value cannot be NaN: NaN means missing");
        if (imputer.FillNumber is not null && imputer.FillText is not null) throw json.Refuse("an imputer has a numeric or a text fill value, not both");
        if (strategy != ImputeStrategy.Constant && (imputer.FillNumber is not null || imputer.FillText is not null))
            throw json.Refuse($"a fill value is used only by the Constant strategy, not {strategy}");

        var fills = json.GetArray("fills", kinds.Length);
        imputer.numberFills = new double[kinds.Length];
        imputer.textFills = new string?[kinds.Length];
        var i = 0;
        foreach (var fill in fills.Items())
        {
            imputer.numberFills[i] = double.NaN;
            if (kinds[i] == ColumnKind.Text) imputer.textFills[i] = fill.AsString();
            else if (fill.Kind != JsonValueKind.Null)
            {
                // NaN would leave a missing value missing while claiming to fill it; infinity is a value (a median can be).
                imputer.numberFills[i] = fill.AsNumber();
                if (double.IsNaN(imputer.numberFills[i])) throw fill.Refuse("a numeric fill cannot be NaN (NaN means missing; write null for no fill)");
            }
            else if (imputer.FillText is null) throw fill.Refuse("a numeric column needs a numeric fill");
            i++;
        }
        return imputer;
    }
}
