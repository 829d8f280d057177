namespace ModelGen.Data;

/// <summary>What a <see cref="OneHotEncoder"/> does with a category it did not see in training.</summary>
public enum HandleUnknown
{
    /// <summary>Throw, naming the column, row and value.</summary>
    Error,

    /// <summary>Encode the row's column as all zeros.</summary>
    Ignore,
}
