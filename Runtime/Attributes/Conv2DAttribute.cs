namespace ModelGen;

/// <summary>
/// A 2-D convolution over channels-first maps (C, H, W) -> (filters, OH, OW): y = act(conv(x, W) + b), a
/// cross-correlation as PyTorch's Conv2d and Keras' Conv2D compute it. Weights are Glorot-uniform with Keras'
/// fans (channels x KH x KW in, filters x KH x KW out) and biases zero; the weight is stored as PyTorch does,
/// (filters, channels, KH, KW), under <c>name.weight</c> and <c>name.bias</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : RegularizedLayerAttribute
{
    /// <summary>Declares a convolution of <paramref name="filters"/> output channels with a square <paramref name="kernel"/>.</summary>
    public Conv2DAttribute(int filters, int kernel)
        : this(filters, kernel, kernel)
    {
    }

    /// <summary>Declares a convolution of <paramref name="filters"/> output channels with a kernel of <paramref name="kernelHeight"/> by <paramref name="kernelWidth"/>.</summary>
    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel height.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel width.</summary>
    public int KernelWidth { get; }

    /// <summary>The step between windows, the same in both directions (Keras' default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Valid (the default, as in Keras) or Same.</summary>
    public Padding Padding { get; set; } = Padding.Valid;

    /// <summary>The activation applied to the outputs.</summary>
    public Activation Activation { get; set; } = Activation.Linear;

    /// <summary>The layer's name in summaries and weight files; by default <c>conv</c> and its index.</summary>
    public string? Name { get; set; }
}
