namespace ModelGen.Data;

/// <summary>Dense, row-major features produced by a <see cref="ColumnTransformer"/>: row r is Values[r * FeatureCount ..].</summary>
public sealed class FeatureMatrix
{
    internal FeatureMatrix(float[] values, int rows, IReadOnlyList<string> featureNames, int[] sourceRows)
    {
        Values = values;
        Rows = rows;
        FeatureNames = featureNames;
        SourceRows = sourceRows;
    }

    /// <summary>The features, row after row.</summary>
    public float[] Values { get; }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The number of features per row.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>The name of each feature, in column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>For each row, its index in the table that was transformed (all rows in order, except after <see cref="ColumnTransformer.TransformRows"/>).</summary>
    public IReadOnlyList<int> SourceRows { get; }

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return Values.AsSpan(row * FeatureCount, FeatureCount);
    }
}
