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

    /// <summary>
    /// Throws unless the window lies inside the input (valid padding) and the output size is the one it gives: the
    /// kernels rely on it, since a window past the input would read outside its plane. Every back end refuses a shape
    /// through this before touching memory.
    /// </summary>
    /// <param name="paramName">The parameter to name in the exception.</param>
    public void Validate(string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Channels, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(PoolHeight, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(PoolWidth, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(StrideHeight, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(StrideWidth, 1, paramName);
        if (Height < PoolHeight || Width < PoolWidth
            || OutHeight != ((Height - PoolHeight) / StrideHeight) + 1
            || OutWidth != ((Width - PoolWidth) / StrideWidth) + 1)
        {
            throw new ArgumentException($"The pooling shape {this} is not a valid window over its input.", paramName);
        }
    }
}
