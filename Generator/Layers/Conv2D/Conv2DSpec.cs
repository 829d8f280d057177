using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Conv2D;

/// <summary>[Conv2D(filters, kernel, Stride, Padding, Activation)]. Must stay immutable with value equality.</summary>
internal sealed record Conv2DSpec(string Name, int Filters, int KernelHeight, int KernelWidth, int Stride, bool SamePadding, ActivationFunction Activation)
    : LayerSpec(Name)
{
    public override string Kind => "Conv2D";

    public override LayerKind Layer => Conv2DLayer.Instance;
}
