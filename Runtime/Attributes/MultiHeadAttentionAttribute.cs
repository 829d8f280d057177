namespace ModelGen;

/// <summary>
/// Multi-head scaled dot-product attention (Keras' <c>MultiHeadAttention</c>) over a sequence (T, E) -> (T, E). Called
/// with one input it attends the sequence to itself; in a graph model's forward body a second input (S, E) gives the
/// keys and values. Queries, keys and values are projected to <see cref="Heads"/> heads of <see cref="KeyDim"/>
/// floats, softmax(Q K^T / sqrt(KeyDim)) weighs the values (padded keys masked out), and the heads are projected back
/// to E. Stored as PyTorch's nn.MultiheadAttention: <c>name.in_proj_weight</c> (3 * heads * KeyDim, E),
/// <c>name.in_proj_bias</c>, <c>name.out_proj.weight</c> (E, heads * KeyDim) and <c>name.out_proj.bias</c>; kernels
/// Glorot-uniform with Keras' fans, biases zero.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class MultiHeadAttentionAttribute : RegularizedLayerAttribute
{
    /// <summary>Declares attention with <paramref name="heads"/> heads.</summary>
    public MultiHeadAttentionAttribute(int heads) => Heads = heads;

    /// <summary>Number of attention heads.</summary>
    public int Heads { get; }

    /// <summary>Floats per head for queries, keys and values; by default the input width divided by <see cref="Heads"/>.</summary>
    public int KeyDim { get; set; }

    /// <summary>Dropout rate on the attention probabilities in training (Keras' default 0).</summary>
    public double Dropout { get; set; }

    /// <summary>The layer's name in summaries and weight files; by default <c>multi_head_attention</c> and its index.</summary>
    public string? Name { get; set; }
}
