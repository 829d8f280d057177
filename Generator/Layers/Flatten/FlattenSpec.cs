using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Flatten;

/// <summary>[Flatten]. Must stay immutable with value equality.</summary>
internal sealed record FlattenSpec(string Name) : LayerSpec(Name)
{
    public override string Kind => "Flatten";

    public override LayerKind Layer => FlattenLayer.Instance;
}
