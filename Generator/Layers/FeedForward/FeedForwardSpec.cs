using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.FeedForward;

/// <summary>[FeedForward(hidden, Activation)]. Must stay immutable with value equality.</summary>
internal sealed record FeedForwardSpec(string Name, int Hidden, ActivationFunction Activation, float Dropout = 0f) : LayerSpec(Name)
{
    public override string Kind => "FeedForward";

    public override Layers.LayerKind Layer => FeedForwardLayer.Instance;
}
