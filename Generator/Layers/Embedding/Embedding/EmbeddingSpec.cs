using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Embedding;

/// <summary>[Embedding(vocabulary, width, MaskZero)]. Must stay immutable with value equality.</summary>
internal sealed record EmbeddingSpec(string Name, int Vocabulary, int Width, bool MaskZero) : LayerSpec(Name)
{
    public override string Kind => "Embedding";

    public override Layers.LayerKind Layer => EmbeddingLayer.Instance;
}
