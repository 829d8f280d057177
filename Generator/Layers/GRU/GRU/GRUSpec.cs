using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.GRU;

/// <summary>[GRU(units, ReturnSequences)]. Must stay immutable with value equality.</summary>
internal sealed record GRUSpec(string Name, int Units, bool ReturnSequences) : RecurrentSpec(Name, Units, ReturnSequences, ActivationFunction.Tanh)
{
    public override string Kind => "GRU";

    public override Layers.LayerKind Layer => GRULayer.Instance;
}
