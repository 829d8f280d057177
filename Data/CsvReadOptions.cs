namespace ModelGen.Data;

/// <summary>How <see cref="Table.ReadCsv(string, CsvReadOptions?)"/> reads a CSV file.</summary>
public sealed record CsvReadOptions
{
    /// <summary>The default of <see cref="MaxBytes"/>: 1 GiB.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>The field separator; null detects it from the header (Sep's default).</summary>
    public char? Separator { get; init; }

    /// <summary>Field values read as missing (compared exactly, after unquoting). Default: "NA", "NULL" and the empty field.</summary>
    public IReadOnlyCollection<string> MissingMarkers { get; init; } = ["NA", "NULL", ""];

    /// <summary>
    /// Column types given explicitly; a column not listed is numeric when every non-missing value parses as a
    /// double in the invariant culture, and text otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, ColumnKind> ColumnKinds { get; init; } = new Dictionary<string, ColumnKind>();

    /// <summary>The most rows (after the header) a file may have; a file with more is refused. Null: no limit.</summary>
    public int? MaxRows { get; init; }

    /// <summary>
    /// The most bytes a file may hold, counted after decompression for ".gz" (characters for a <see cref="TextReader"/>);
    /// a file with more is refused, so a small gzip cannot expand without bound. Default <see cref="DefaultMaxBytes"/>
    /// (1 GiB); <see cref="long.MaxValue"/> for no limit.
    /// </summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;
}
