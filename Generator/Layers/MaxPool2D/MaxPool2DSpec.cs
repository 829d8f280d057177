using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.MaxPool2D;

/// <summary>[MaxPool2D(size, Stride)]; a stride of 0 is the window's size. Must stay immutable with value equality.</summary>
internal sealed record MaxPool2DSpec(string Name, int PoolHeight, int PoolWidth, int Stride) : LayerSpec(Name)
{
    public override string Kind => "MaxPool2D";

    public override LayerKind Layer => MaxPool2DLayer.Instance;
}
