using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.SimpleRNN;

/// <summary>[SimpleRNN(units, activation, ReturnSequences)]. Must stay immutable with value equality.</summary>
internal sealed record SimpleRNNSpec(string Name, int Units, bool ReturnSequences, ActivationFunction Activation) : RecurrentSpec(Name, Units, ReturnSequences, Activation)
{
    public override string Kind => "SimpleRNN";

    public override Layers.LayerKind Layer => SimpleRNNLayer.Instance;
}
