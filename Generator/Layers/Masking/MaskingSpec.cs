using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Masking;

/// <summary>[Masking(maskValue)]. Must stay immutable with value equality (a NaN mask value equals itself: double.Equals).</summary>
internal sealed record MaskingSpec(string Name, double MaskValue) : LayerSpec(Name)
{
    public override string Kind => "Masking";

    public override Layers.LayerKind Layer => MaskingLayer.Instance;
}
