namespace ModelGen;

/// <summary>
/// A lookup table from integer token ids to vectors, the first layer of a model over tokens: an input of
/// <c>[Input(T)]</c> ids (stored as floats, each an integer in [0, vocabulary)) becomes (T, width). Keras' default
/// initialiser, uniform in [-0.05, 0.05]; stored as PyTorch's nn.Embedding, <c>weight</c> (vocabulary, width).
/// With <see cref="MaskZero"/>, id 0 is padding: the recurrent layers after it skip those steps as Keras' do (the
/// state is carried over and the last unmasked state is returned).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute : Attribute
{
    /// <summary>Declares an embedding of <paramref name="vocabulary"/> ids into vectors of <paramref name="width"/>.</summary>
    public EmbeddingAttribute(int vocabulary, int width)
    {
        Vocabulary = vocabulary;
        Width = width;
    }

    /// <summary>Number of distinct ids (the largest id plus one).</summary>
    public int Vocabulary { get; }

    /// <summary>Floats per token vector.</summary>
    public int Width { get; }

    /// <summary>Whether id 0 is padding that the recurrent layers after it skip.</summary>
    public bool MaskZero { get; set; }

    /// <summary>
    /// Keras' <c>embeddings_regularizer</c>, L1 factor: l1 * sum |w| of the table is added to each batch's loss. Keras
    /// regularises the whole table, not only the rows a batch looks up; so does this.
    /// </summary>
    public float EmbeddingsL1 { get; set; }

    /// <summary>Keras' <c>embeddings_regularizer</c>, L2 factor: l2 * sum w^2 of the table is added to each batch's loss.</summary>
    public float EmbeddingsL2 { get; set; }

    /// <summary>The layer's name in summaries and weight files; by default <c>embedding</c> and its index.</summary>
    public string? Name { get; set; }
}
