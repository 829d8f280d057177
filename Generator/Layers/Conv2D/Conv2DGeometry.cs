namespace ModelGen.Generator.Layers.Conv2D;

/// <summary>A convolution's sizes on its input, as ModelGen.Kernels.Conv2DShape takes them.</summary>
internal readonly record struct Conv2DGeometry(int Channels, int Height, int Width, int Filters, int KernelHeight, int KernelWidth,
    int Stride, int PadTop, int PadLeft, int OutHeight, int OutWidth)
{
    public int PatchSize => Channels * KernelHeight * KernelWidth;

    public int Positions => OutHeight * OutWidth;

    /// <summary>The constructor call generated code passes to the kernels (a struct: no allocation).</summary>
    public string Literal =>
        $"new global::ModelGen.Kernels.Conv2DShape({Channels}, {Height}, {Width}, {Filters}, {KernelHeight}, {KernelWidth}, {Stride}, {Stride}, {PadTop}, {PadLeft}, {OutHeight}, {OutWidth})";
}
