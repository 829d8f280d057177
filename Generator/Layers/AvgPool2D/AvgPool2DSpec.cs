using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.AvgPool2D;

/// <summary>[AvgPool2D(size, Stride)]; a stride of 0 is the window's size. Must stay immutable with value equality.</summary>
internal sealed record AvgPool2DSpec(string Name, int PoolHeight, int PoolWidth, int Stride) : LayerSpec(Name)
{
    public override string Kind => "AvgPool2D";

    public override LayerKind Layer => AvgPool2DLayer.Instance;
}
