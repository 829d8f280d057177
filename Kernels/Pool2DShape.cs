namespace ModelGen.Kernels;

/// <summary>
/// The geometry of a 2-D pooling window over channels-first maps, per sample: input (C, H, W), output
/// (C, OH, OW), no padding (Keras' "valid"): OH = (H - PH) / SH + 1, OW likewise. Windows may overlap
/// (stride below the window) or leave gaps (stride above it).
/// </summary>
/// <param name="Channels">Channels C.</param>
/// <param name="Height">Input height H.</param>
/// <param name="Width">Input width W.</param>
/// <param name="PoolHeight">Window height PH.</param>
/// <param name="PoolWidth">Window width PW.</param>
/// <param name="StrideHeight">Vertical stride (at least 1).</param>
/// <param name="StrideWidth">Horizontal stride (at least 1).</param>
/// <param name="OutHeight">Output height OH.</param>
/// <param name="OutWidth">Output width OW.</param>
public readonly record struct Pool2DShape(int Channels, int Height, int Width, int PoolHeight, int PoolWidth,
    int StrideHeight, int StrideWidth, int OutHeight, int OutWidth)
{
    /// <summary>Floats of one input sample: C * H * W.</summary>
    public int InputSize => Channels * Height * Width;

    /// <summary>Floats of one output sample: C * OH * OW.</summary>
    public int OutputSize => Channels * OutHeight * OutWidth;
}
