namespace ModelGen;

/// <summary>
/// MCAN's self-guided-attention unit SGA(X, Y) as its reference code (mca.py) builds it, called as <c>x = Sga(x, y)</c>
/// on X (T, E) guided by Y (S, E), -> (T, E): self-attention on X, then attention guided by Y, then one feed-forward,
/// each with its residual and LayerNorm (three norms, one feed-forward; not SA's whole unit followed by GA's). It
/// compiles to this body:
/// <code>
/// var x = Norm1(X + Dropout1(Mhatt1(X)));         // [MultiHeadAttention(heads, Dropout)]
/// x = Norm2(x + Dropout2(Mhatt2(x, Y)));          // [MultiHeadAttention(heads, Dropout)], Y's padding masked
/// return Norm3(x + Dropout3(Ffn(x)));             // [FeedForward(Hidden, ReLU, Dropout)]
/// </code>
/// Weights: <c>name.mhatt1.in_proj_weight</c>, <c>name.mhatt2.in_proj_weight</c>, <c>name.ffn.linear1.weight</c>,
/// <c>name.norm3.weight</c>, ...
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class SGAAttribute : Attribute
{
    /// <summary>Declares an SGA unit with <paramref name="heads"/> attention heads in each attention.</summary>
    public SGAAttribute(int heads) => Heads = heads;

    /// <summary>Attention heads; the width E must be a multiple of them.</summary>
    public int Heads { get; }

    /// <summary>The feed-forward's inner units; 0 (the default) stands for 4 E.</summary>
    public int Hidden { get; set; }

    /// <summary>Dropout on the attention probabilities, inside the feed-forward and on the three residual branches (0.1).</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>The LayerNorms' epsilon (MCAN's 1e-6).</summary>
    public double Epsilon { get; set; } = 1e-6;

    /// <summary>The unit's name in summaries and weight files; by default the member's name in snake_case.</summary>
    public string? Name { get; set; }
}
