using System.Globalization;

namespace ModelGen.Data;

/// <summary>
/// One named column of a <see cref="Table"/>: either numeric (double, NaN for missing) or text (string, null for
/// missing). Columns are immutable: every operation returns a new column.
/// </summary>
public sealed class Column
{
    private readonly double[]? numbers;
    private readonly string?[]? texts;

    private Column(string name, double[]? numbers, string?[]? texts)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        this.numbers = numbers;
        this.texts = texts;
    }

    /// <summary>The column's name.</summary>
    public string Name { get; }

    /// <summary>Whether the column holds numbers or text.</summary>
    public ColumnKind Kind => numbers is not null ? ColumnKind.Numeric : ColumnKind.Text;

    /// <summary>The number of rows.</summary>
    public int Length => numbers?.Length ?? texts!.Length;

    /// <summary>The values of a numeric column (NaN for missing).</summary>
    /// <exception cref="InvalidOperationException">The column is text.</exception>
    public ReadOnlySpan<double> Numbers => numbers ?? throw WrongKind(ColumnKind.Numeric);

    /// <summary>The values of a text column (null for missing).</summary>
    /// <exception cref="InvalidOperationException">The column is numeric.</exception>
    public ReadOnlySpan<string?> Texts => texts ?? throw WrongKind(ColumnKind.Text);

    /// <summary>The number of missing values.</summary>
    public int MissingCount
    {
        get
        {
            var count = 0;
            for (var row = 0; row < Length; row++)
            {
                if (IsMissing(row)) count++;
            }
            return count;
        }
    }

    internal double[] NumberArray => numbers ?? throw WrongKind(ColumnKind.Numeric);

    internal string?[] TextArray => texts ?? throw WrongKind(ColumnKind.Text);

    /// <summary>A numeric column holding a copy of <paramref name="values"/> (NaN for missing).</summary>
    public static Column Numeric(string name, ReadOnlySpan<double> values) => new(name, values.ToArray(), null);

    /// <summary>A text column holding a copy of <paramref name="values"/> (null for missing).</summary>
    public static Column Text(string name, ReadOnlySpan<string?> values) => new(name, null, values.ToArray());

    internal static Column OwnNumeric(string name, double[] values) => new(name, values, null);

    internal static Column OwnText(string name, string?[] values) => new(name, null, values);

    /// <summary>Whether the value at <paramref name="row"/> is missing.</summary>
    public bool IsMissing(int row) => numbers is not null ? double.IsNaN(numbers[row]) : texts![row] is null;

    /// <summary>The value at <paramref name="row"/> as text for messages: numbers in the invariant culture, "NaN" or "null" for missing.</summary>
    public string Format(int row) =>
        numbers is not null ? FormatNumber(numbers[row]) : texts![row] ?? "null";

    /// <summary>The rows at <paramref name="rows"/>, in that order.</summary>
    public Column Take(ReadOnlySpan<int> rows)
    {
        if (numbers is not null)
        {
            var result = new double[rows.Length];
            for (var i = 0; i < rows.Length; i++) result[i] = numbers[CheckRow(rows[i])];
            return new Column(Name, result, null);
        }
        var text = new string?[rows.Length];
        for (var i = 0; i < rows.Length; i++) text[i] = texts![CheckRow(rows[i])];
        return new Column(Name, null, text);
    }

    /// <summary>The same values under another name.</summary>
    public Column Rename(string name) => new(name, numbers, texts);

    /// <summary>A numeric column's values as floats, for labels.</summary>
    /// <exception cref="InvalidOperationException">The column is text or has a missing value.</exception>
    public float[] ToSingles()
    {
        var source = NumberArray;
        var result = new float[source.Length];
        for (var row = 0; row < source.Length; row++)
        {
            if (double.IsNaN(source[row]))
                throw new InvalidOperationException($"Column {Untrusted.Quote(Name)} has a missing value at row {row}.");
            result[row] = (float)source[row];
        }
        return result;
    }

    /// <summary>Formats a number the way category names and messages show it: invariant, shortest round trip.</summary>
    internal static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private int CheckRow(int row) =>
        (uint)row < (uint)Length ? row : throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside column {Untrusted.Quote(Name)} of {Length} rows.");

    private InvalidOperationException WrongKind(ColumnKind wanted) =>
        new($"Column {Untrusted.Quote(Name)} is {KindName(Kind)}, not {KindName(wanted)}.");

    internal static string KindName(ColumnKind kind) => kind == ColumnKind.Numeric ? "numeric" : "text";
}
