using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.BatchNorm;

/// <summary>[BatchNorm(Momentum, Epsilon)]. Must stay immutable with value equality.</summary>
internal sealed record BatchNormSpec(string Name, double Momentum, double Epsilon) : LayerSpec(Name)
{
    public override string Kind => "BatchNorm";

    public override Layers.LayerKind Layer => BatchNormLayer.Instance;
}
