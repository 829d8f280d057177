namespace ModelGen.Data;

/// <summary>A value that kept one row from being transformed (see <see cref="ColumnTransformer.TransformRows"/>).</summary>
/// <param name="Row">The row's index in the table given to the transform (0-based).</param>
/// <param name="Column">The column holding the bad value.</param>
/// <param name="Value">The bad value as text ("NaN" or "null" for missing).</param>
/// <param name="Message">What is wrong, naming the row, column and value.</param>
public sealed record RowError(int Row, string Column, string Value, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Message;
}
