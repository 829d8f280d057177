namespace ModelGen.Kernels;

/// <summary>
/// The geometry of a 2-D convolution over channels-first maps, per sample: input (C, H, W), weight
/// (F, C, KH, KW) as PyTorch lays it out, output (F, OH, OW). Padding is zeros; <see cref="PadTop"/> and
/// <see cref="PadLeft"/> rows and columns come before the input, and whatever the output size needs beyond
/// the input's far edge (Keras' "same" puts the odd extra row at the bottom, the odd column at the right).
/// </summary>
/// <param name="Channels">Input channels C.</param>
/// <param name="Height">Input height H.</param>
/// <param name="Width">Input width W.</param>
/// <param name="Filters">Output channels F.</param>
/// <param name="KernelHeight">Kernel height KH.</param>
/// <param name="KernelWidth">Kernel width KW.</param>
/// <param name="StrideHeight">Vertical stride (at least 1).</param>
/// <param name="StrideWidth">Horizontal stride (at least 1).</param>
/// <param name="PadTop">Zero rows above the input.</param>
/// <param name="PadLeft">Zero columns left of the input.</param>
/// <param name="OutHeight">Output height OH.</param>
/// <param name="OutWidth">Output width OW.</param>
public readonly record struct Conv2DShape(int Channels, int Height, int Width, int Filters, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int PadTop, int PadLeft, int OutHeight, int OutWidth)
{
    /// <summary>Floats of one input sample: C * H * W.</summary>
    public int InputSize => Channels * Height * Width;

    /// <summary>Floats of one output sample: F * OH * OW.</summary>
    public int OutputSize => Filters * OutHeight * OutWidth;

    /// <summary>Output positions per sample: OH * OW.</summary>
    public int Positions => OutHeight * OutWidth;

    /// <summary>One receptive field unrolled: C * KH * KW (a weight row's length).</summary>
    public int PatchSize => Channels * KernelHeight * KernelWidth;

    /// <summary>Floats of the weight: F * C * KH * KW.</summary>
    public int WeightSize => Filters * PatchSize;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> unless every size is positive, the strides at least 1 and the
    /// padding not negative; every back end refuses a shape through this before touching memory.
    /// </summary>
    /// <param name="paramName">The parameter to name in the exception.</param>
    public void Validate(string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Channels, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(Filters, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(KernelHeight, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(KernelWidth, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(StrideHeight, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(StrideWidth, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfNegative(PadTop, paramName);
        ArgumentOutOfRangeException.ThrowIfNegative(PadLeft, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(OutHeight, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(OutWidth, 1, paramName);
    }
}
