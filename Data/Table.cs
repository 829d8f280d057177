namespace ModelGen.Data;

/// <summary>
/// A small data frame: named columns of equal length, each numeric or text. Immutable: every operation returns
/// a new table (columns are shared, not copied, where they do not change).
/// </summary>
public sealed partial class Table
{
    private readonly Column[] columns;
    private readonly Dictionary<string, int> indexByName;

    /// <summary>A table of the given columns, which must have distinct names and equal lengths.</summary>
    public Table(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        this.columns = [.. columns];
        indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < this.columns.Length; i++)
        {
            var column = this.columns[i];
            if (!indexByName.TryAdd(column.Name, i))
                throw new ArgumentException($"Column {Untrusted.Quote(column.Name)} appears twice.", nameof(columns));
            if (column.Length != this.columns[0].Length)
                throw new ArgumentException(
                    $"Column {Untrusted.Quote(column.Name)} has {column.Length} rows but column {Untrusted.Quote(this.columns[0].Name)} has {this.columns[0].Length}.",
                    nameof(columns));
        }
        Rows = this.columns.Length == 0 ? 0 : this.columns[0].Length;
    }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<Column> Columns => columns;

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> ColumnNames => Array.ConvertAll(columns, c => c.Name);

    /// <summary>The column named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such column.</exception>
    public Column Column(string name) =>
        TryGetColumn(name, out var column)
            ? column
            : throw new KeyNotFoundException($"The table has no column {Untrusted.Quote(name)}; it has: {Untrusted.Show(string.Join(", ", ColumnNames))}.");

    /// <summary>Looks up a column by name.</summary>
    public bool TryGetColumn(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Column? column)
    {
        column = indexByName.TryGetValue(name, out var index) ? columns[index] : null;
        return column is not null;
    }

    /// <summary>The rows at <paramref name="rows"/>, in that order (indices may repeat).</summary>
    public Table Take(ReadOnlySpan<int> rows)
    {
        var taken = new Column[columns.Length];
        for (var i = 0; i < columns.Length; i++) taken[i] = columns[i].Take(rows);
        return new Table(taken);
    }

    /// <summary>The named columns, in the order given.</summary>
    public Table Select(params IEnumerable<string> names) => new(names.Select(Column));

    /// <summary>The table without the named columns.</summary>
    public Table Drop(params IEnumerable<string> names)
    {
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            _ = Column(name);
            dropped.Add(name);
        }
        return new Table(columns.Where(c => !dropped.Contains(c.Name)));
    }

    /// <summary>The table with <paramref name="column"/> replacing the column of the same name, or appended if there is none.</summary>
    public Table With(Column column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var result = new List<Column>(columns);
        if (indexByName.TryGetValue(column.Name, out var index)) result[index] = column;
        else result.Add(column);
        return new Table(result);
    }

    /// <summary>
    /// Replaces text column <paramref name="name"/> by a numeric column through <paramref name="map"/> (for example
    /// month names to 1..12). Missing values stay missing.
    /// </summary>
    /// <exception cref="ArgumentException">The column is not text, or a value is not in the map (the message names the row and value).</exception>
    public Table MapText(string name, IReadOnlyDictionary<string, double> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var column = Column(name);
        if (column.Kind != ColumnKind.Text)
            throw new ArgumentException($"MapText needs a text column but column {Untrusted.Quote(name)} is numeric.", nameof(name));
        var texts = column.Texts;
        var mapped = new double[texts.Length];
        for (var row = 0; row < texts.Length; row++)
        {
            var text = texts[row];
            if (text is null) mapped[row] = double.NaN;
            else if (!map.TryGetValue(text, out mapped[row]))
                throw new ArgumentException($"Column {Untrusted.Quote(name)}, row {row}: value {Untrusted.Quote(text)} is not in the map (known: {Untrusted.Show(string.Join(", ", map.Keys))}).", nameof(map));
        }
        return With(Data.Column.OwnNumeric(name, mapped));
    }
}
