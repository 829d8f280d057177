namespace ModelGen.Data;

/// <summary>How <see cref="Table.ReadCsv(string, CsvReadOptions?)"/> reads a CSV file.</summary>
public sealed record CsvReadOptions
{
    /// <summary>The field separator; null detects it from the header (Sep's default).</summary>
    public char? Separator { get; init; }

    /// <summary>Field values read as missing (compared exactly, after unquoting). Default: "NA", "NULL" and the empty field.</summary>
    public IReadOnlyCollection<string> MissingMarkers { get; init; } = ["NA", "NULL", ""];

    /// <summary>
    /// Column types given explicitly; a column not listed is numeric when every non-missing value parses as a
    /// double in the invariant culture, and text otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, ColumnKind> ColumnKinds { get; init; } = new Dictionary<string, ColumnKind>();
}
