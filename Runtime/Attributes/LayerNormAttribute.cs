namespace ModelGen;

/// <summary>
/// Layer normalisation over the last axis of each sample (Keras' <c>LayerNormalization</c>, epsilon 1e-3): every row
/// of features, a step of a sequence or a flat sample, is shifted to mean 0 and scaled to variance 1 (biased), then
/// y = gamma * xhat + beta. Stored as PyTorch's nn.LayerNorm, <c>name.weight</c> (gamma, ones) and <c>name.bias</c>
/// (beta, zeros), one per feature. The same computation in training and at inference.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormAttribute : Attribute
{
    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; set; } = 1e-3;

    /// <summary>The layer's name in summaries and weight files; by default <c>layer_norm</c> and its index.</summary>
    public string? Name { get; set; }
}
