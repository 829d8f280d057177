namespace ModelGen;

/// <summary>
/// Avg pooling over channels-first maps (C, H, W) -> (C, OH, OW): each output is the mean of a window,
/// without padding (Keras' default "valid"): OH = (H - pool height) / stride + 1, OW likewise.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : Attribute
{
    /// <summary>Declares a square window of <paramref name="size"/>.</summary>
    public AvgPool2DAttribute(int size)
        : this(size, size)
    {
    }

    /// <summary>Declares a window of <paramref name="height"/> by <paramref name="width"/>.</summary>
    public AvgPool2DAttribute(int height, int width)
    {
        PoolHeight = height;
        PoolWidth = width;
    }

    /// <summary>Window height.</summary>
    public int PoolHeight { get; }

    /// <summary>Window width.</summary>
    public int PoolWidth { get; }

    /// <summary>The step between windows in both directions; 0 (the default) means the window's own size, as in Keras.</summary>
    public int Stride { get; set; }

    /// <summary>The layer's name in summaries; by default <c>avg_pool</c> and its index.</summary>
    public string? Name { get; set; }
}
