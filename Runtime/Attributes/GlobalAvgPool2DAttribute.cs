namespace ModelGen;

/// <summary>Global average pooling: (C, H, W) -> (C), the mean of each channel's map (Keras' GlobalAveragePooling2D).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPool2DAttribute : Attribute
{
    /// <summary>The layer's name in summaries; by default <c>global_avg_pool</c> and its index.</summary>
    public string? Name { get; set; }
}
