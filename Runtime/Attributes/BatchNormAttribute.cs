namespace ModelGen;

/// <summary>
/// Batch normalisation over the features (Keras' <c>BatchNormalization</c>: momentum 0.99 on the old
/// moving value, epsilon 1e-3, moving variance from the biased batch variance).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>The weight kept on the old moving statistics at each training step.</summary>
    public double Momentum { get; set; } = 0.99;

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; set; } = 1e-3;

    /// <summary>The layer's name in summaries and weight files; by default <c>norm</c> and its index.</summary>
    public string? Name { get; set; }
}
