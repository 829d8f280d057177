namespace ModelGen;

/// <summary>
/// Flattens each sample to one vector, (C, H, W) -> (C * H * W), in channels-first order as PyTorch's
/// torch.flatten(x, 1) does. Costs nothing: the next layer reads the same memory.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : Attribute
{
    /// <summary>The layer's name in summaries; by default <c>flatten</c> and its index.</summary>
    public string? Name { get; set; }
}
