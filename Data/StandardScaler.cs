using System.Text.Json;

namespace ModelGen.Data;

/// <summary>
/// Standardises numeric columns as scikit-learn's StandardScaler: (x - mean) / scale, where scale is the
/// population standard deviation of the training values, or 1 for a constant column. Missing values are left out
/// of the statistics and stay missing.
/// </summary>
public sealed class StandardScaler : Transformer
{
    internal const string KindName = "StandardScaler";

    /// <summary>Machine epsilon of double (numpy's finfo(float64).eps), for the constant-column test.</summary>
    private const double Eps = 2.220446049250313e-16;

    private double[] means = [];
    private double[] scales = [];

    internal override string Kind => KindName;

    internal override IReadOnlyList<(string Name, ColumnKind Kind)> OutputColumns =>
        [.. InputColumns.Select(name => (name, ColumnKind.Numeric))];

    /// <summary>The training mean of <paramref name="column"/>.</summary>
    public double Mean(string column) => means[IndexOf(column)];

    /// <summary>The divisor for <paramref name="column"/>: its population standard deviation, or 1 if it is constant.</summary>
    public double Scale(string column) => scales[IndexOf(column)];

    private protected override void FitCore(IReadOnlyList<Column> columns)
    {
        var newMeans = new double[columns.Count];
        var newScales = new double[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            if (column.Kind != ColumnKind.Numeric)
                throw new ArgumentException($"{KindName} needs numeric columns but column {Untrusted.Quote(column.Name)} is text; encode it first.");
            (newMeans[i], newScales[i]) = Statistics(column);
        }
        means = newMeans;
        scales = newScales;
    }

    private static (double Mean, double Scale) Statistics(Column column)
    {
        var values = column.Numbers;
        var count = 0;
        var sum = 0.0;
        foreach (var v in values)
        {
            if (double.IsNaN(v)) continue;
            sum += v;
            count++;
        }
        if (count == 0) throw new ArgumentException($"{KindName}: column {Untrusted.Quote(column.Name)} has no non-missing value.");
        var mean = sum / count;
        // Corrected two-pass variance, as scikit-learn's _incremental_mean_and_var.
        var deviations = 0.0;
        var squares = 0.0;
        foreach (var v in values)
        {
            if (double.IsNaN(v)) continue;
            var d = v - mean;
            deviations += d;
            squares += d * d;
        }
        var variance = (squares - deviations * deviations / count) / count;
        // scikit-learn's _is_constant_feature: a variance within rounding of zero is zero.
        var upperBound = count * Eps * variance + Math.Pow(count * mean * Eps, 2);
        var scale = variance <= upperBound ? 1.0 : Math.Sqrt(variance);
        // scikit-learn refuses infinity too ("Input contains infinity"); statistics that are not finite would turn
        // every value into NaN, and a saved preparation holding them is refused by Load.
        if (!double.IsFinite(mean) || !double.IsFinite(scale))
        {
            throw new ArgumentException(
                $"{KindName}: column {Untrusted.Quote(column.Name)} holds an infinite value or values too large to scale (mean {Column.FormatNumber(mean)}, scale {Column.FormatNumber(scale)}).");
        }
        return (mean, scale);
    }

    private protected override Table TransformCore(Column[] columns, RowErrorSink? errors)
    {
        var result = new Column[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var values = columns[i].Numbers.ToArray();
            for (var row = 0; row < values.Length; row++) values[row] = (values[row] - means[i]) / scales[i];
            result[i] = Column.OwnNumeric(columns[i].Name, values);
        }
        return new Table(result);
    }

    private int IndexOf(string column)
    {
        var index = InputColumns.ToList().IndexOf(column);
        return index >= 0 ? index : throw new KeyNotFoundException($"{KindName} was not fitted on column {Untrusted.Quote(column)}.");
    }

    private protected override void WriteState(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("means");
        foreach (var mean in means) JsonValue.WriteNumber(writer, mean);
        writer.WriteEndArray();
        writer.WriteStartArray("scales");
        foreach (var scale in scales) JsonValue.WriteNumber(writer, scale);
        writer.WriteEndArray();
    }

    internal static StandardScaler ReadState(JsonValue json, ColumnKind[] kinds)
    {
        if (kinds.Contains(ColumnKind.Text)) throw json.Get("columns").Refuse($"{KindName} takes numeric columns only");
        var meanArray = json.GetArray("means", kinds.Length);
        var scaleArray = json.GetArray("scales", kinds.Length);
        var means = meanArray.Numbers();
        var scales = scaleArray.Numbers();
        // (x - mean) / scale must stay a number for every finite x: a NaN or infinite mean, or a scale that is not a
        // positive finite number, would turn every value into NaN (Fit never gives one).
        for (var i = 0; i < means.Length; i++)
        {
            if (!double.IsFinite(means[i])) throw meanArray.Item(i).Refuse($"mean {Column.FormatNumber(means[i])} is not a finite number");
            if (!double.IsFinite(scales[i]) || scales[i] <= 0) throw scaleArray.Item(i).Refuse($"scale {Column.FormatNumber(scales[i])} is not a positive finite number");
        }
        return new StandardScaler { means = means, scales = scales };
    }
}
