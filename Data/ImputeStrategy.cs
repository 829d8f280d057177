namespace ModelGen.Data;

/// <summary>How a <see cref="SimpleImputer"/> chooses the value that replaces a missing one (scikit-learn's strategies).</summary>
public enum ImputeStrategy
{
    /// <summary>The mean of the column's non-missing training values (numeric columns only).</summary>
    Mean,

    /// <summary>The median of the column's non-missing training values (numeric columns only).</summary>
    Median,

    /// <summary>The most frequent non-missing training value; ties go to the smallest value.</summary>
    MostFrequent,

    /// <summary>A fixed value: the given fill value, or 0 for numeric and "missing_value" for text columns.</summary>
    Constant,
}
