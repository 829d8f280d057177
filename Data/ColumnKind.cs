namespace ModelGen.Data;

/// <summary>The type of a <see cref="Column"/>: numbers (missing is NaN) or text (missing is null).</summary>
public enum ColumnKind
{
    /// <summary>Double values; a missing value is <see cref="double.NaN"/>.</summary>
    Numeric,

    /// <summary>String values; a missing value is <see langword="null"/>.</summary>
    Text,
}
