using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.LayerNorm;

/// <summary>[LayerNorm(Epsilon)]. Must stay immutable with value equality.</summary>
internal sealed record LayerNormSpec(string Name, double Epsilon) : LayerSpec(Name)
{
    public override string Kind => "LayerNorm";

    public override Layers.LayerKind Layer => LayerNormLayer.Instance;
}
