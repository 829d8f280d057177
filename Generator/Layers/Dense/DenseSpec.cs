using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dense;

/// <summary>[Dense(units, activation)]. Must stay immutable with value equality.</summary>
internal sealed record DenseSpec(string Name, int Units, ActivationFunction Activation) : LayerSpec(Name)
{
    public override string Kind => "Dense";

    public override Layers.LayerKind Layer => DenseLayer.Instance;
}
