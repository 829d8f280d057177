namespace ModelGen;

/// <summary>
/// A learned position embedding (keras_hub's <c>PositionEmbedding</c>): adds a trainable (length, E) table to a
/// sequence (T, E) of exactly <c>length</c> steps, row t to step t. Glorot-uniform as keras_hub starts it; stored
/// under <c>name.weight</c> (length, E).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class PositionEmbeddingAttribute : Attribute
{
    /// <summary>Declares a table of <paramref name="length"/> positions.</summary>
    public PositionEmbeddingAttribute(int length) => Length = length;

    /// <summary>Number of positions: the steps of the input sequence.</summary>
    public int Length { get; }

    /// <summary>The layer's name in summaries and weight files; by default <c>position_embedding</c> and its index.</summary>
    public string? Name { get; set; }
}
