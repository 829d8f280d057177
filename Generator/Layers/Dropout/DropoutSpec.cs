using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dropout;

/// <summary>[Dropout(rate)]. Must stay immutable with value equality.</summary>
internal sealed record DropoutSpec(string Name, double Rate) : LayerSpec(Name)
{
    public override string Kind => "Dropout";

    public override Layers.LayerKind Layer => DropoutLayer.Instance;
}
