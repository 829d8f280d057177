namespace ModelGen;

/// <summary>
/// A transformer's position-wise feed-forward block: y = linear2(act(linear1(x))), from the width E of the last axis
/// to <see cref="Hidden"/> and back to E, the same weights at every step of a sequence (T, E) or once on a flat
/// sample (E). Stored as PyTorch's TransformerEncoderLayer names them: <c>name.linear1.weight</c> (hidden, E),
/// <c>name.linear1.bias</c>, <c>name.linear2.weight</c> (E, hidden), <c>name.linear2.bias</c>; Glorot-uniform
/// weights and zero biases (Keras' Dense defaults).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class FeedForwardAttribute : RegularizedLayerAttribute
{
    /// <summary>Declares a feed-forward block with <paramref name="hidden"/> inner units.</summary>
    public FeedForwardAttribute(int hidden) => Hidden = hidden;

    /// <summary>Inner units.</summary>
    public int Hidden { get; }

    /// <summary>The activation between the two projections (ReLU as PyTorch's default; Gelu as BERT's).</summary>
    public Activation Activation { get; set; } = Activation.ReLU;

    /// <summary>
    /// Dropout on the hidden activations in training, in [0, 1): PyTorch's TransformerEncoderLayer and MCAN's FFN
    /// apply it between the two projections; 0 (the default) leaves none.
    /// </summary>
    public double Dropout { get; set; }

    /// <summary>The layer's name in summaries and weight files; by default <c>feed_forward</c> and its index.</summary>
    public string? Name { get; set; }
}
