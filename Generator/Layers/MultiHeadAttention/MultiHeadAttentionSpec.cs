using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.MultiHeadAttention;

/// <summary>
/// [MultiHeadAttention(heads, KeyDim, Dropout)]; KeyDim 0 stands for the input width divided by the heads. Must stay
/// immutable with value equality.
/// </summary>
internal sealed record MultiHeadAttentionSpec(string Name, int Heads, int KeyDim, double Dropout) : LayerSpec(Name)
{
    public override string Kind => "MultiHeadAttention";

    public override Layers.LayerKind Layer => MultiHeadAttentionLayer.Instance;
}
