namespace ModelGen;

/// <summary>
/// MCAN's self-attention unit SA(X) (Yu et al. 2019, and its reference code's core/model/mca.py), called in a graph
/// model's forward body as <c>y = Sa(y)</c> on a sequence (T, E) -> (T, E). It compiles to this body:
/// <code>
/// var x = Norm1(X + Dropout1(Mhatt(X)));          // [MultiHeadAttention(heads, Dropout)]
/// return Norm2(x + Dropout2(Ffn(x)));             // [FeedForward(Hidden, ReLU, Dropout)]
/// </code>
/// Its weights are stored under the unit's name as mca.py names its members: <c>name.mhatt.in_proj_weight</c>,
/// <c>name.ffn.linear1.weight</c>, <c>name.norm1.weight</c> and so on. Padded steps of X (an embedding's MaskZero) are
/// masked as keys.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class SAAttribute : Attribute
{
    /// <summary>Declares an SA unit with <paramref name="heads"/> attention heads.</summary>
    public SAAttribute(int heads) => Heads = heads;

    /// <summary>Attention heads; the width E must be a multiple of them.</summary>
    public int Heads { get; }

    /// <summary>The feed-forward's inner units; 0 (the default) stands for 4 E, as MCAN's FF_SIZE is 4 x HIDDEN_SIZE.</summary>
    public int Hidden { get; set; }

    /// <summary>Dropout on the attention probabilities, inside the feed-forward and on both residual branches (MCAN's DROPOUT_R, 0.1).</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>The LayerNorms' epsilon (MCAN's 1e-6).</summary>
    public double Epsilon { get; set; } = 1e-6;

    /// <summary>The unit's name in summaries and weight files; by default the member's name in snake_case.</summary>
    public string? Name { get; set; }
}
