using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Activation;

/// <summary>[Activation(kind)]. Must stay immutable with value equality.</summary>
internal sealed record ActivationSpec(string Name, ActivationFunction Function) : LayerSpec(Name)
{
    public override string Kind => "Activation";

    public override Layers.LayerKind Layer => ActivationLayer.Instance;
}
