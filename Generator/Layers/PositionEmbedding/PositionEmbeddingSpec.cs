using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.PositionEmbedding;

/// <summary>[PositionEmbedding(length)]. Must stay immutable with value equality.</summary>
internal sealed record PositionEmbeddingSpec(string Name, int Length) : LayerSpec(Name)
{
    public override string Kind => "PositionEmbedding";

    public override Layers.LayerKind Layer => PositionEmbeddingLayer.Instance;
}
