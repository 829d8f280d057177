using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.GlobalAvgPool2D;

/// <summary>[GlobalAvgPool2D]. Must stay immutable with value equality.</summary>
internal sealed record GlobalAvgPool2DSpec(string Name) : LayerSpec(Name)
{
    public override string Kind => "GlobalAvgPool2D";

    public override LayerKind Layer => GlobalAvgPool2DLayer.Instance;
}
