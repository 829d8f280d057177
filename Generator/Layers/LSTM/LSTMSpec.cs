using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.LSTM;

/// <summary>[LSTM(units, ReturnSequences)]. Must stay immutable with value equality.</summary>
internal sealed record LSTMSpec(string Name, int Units, bool ReturnSequences) : RecurrentSpec(Name, Units, ReturnSequences, ActivationFunction.Tanh)
{
    public override string Kind => "LSTM";

    public override Layers.LayerKind Layer => LSTMLayer.Instance;
}
