namespace ModelGen;

/// <summary>
/// MCAN's guided-attention unit GA(X, Y), called as <c>x = Ga(x, y)</c>: X (T, E) attends to the guide Y (S, E), the
/// queries from X, the keys and values from Y (Y's padded steps masked), -> (T, E). It compiles to this body:
/// <code>
/// var x = Norm1(X + Dropout1(Mhatt(X, Y)));       // [MultiHeadAttention(heads, Dropout)]
/// return Norm2(x + Dropout2(Ffn(x)));             // [FeedForward(Hidden, ReLU, Dropout)]
/// </code>
/// Weights as <see cref="SAAttribute"/> names them: <c>name.mhatt.in_proj_weight</c>, <c>name.ffn.linear1.weight</c>, ...
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class GAAttribute : Attribute
{
    /// <summary>Declares a GA unit with <paramref name="heads"/> attention heads.</summary>
    public GAAttribute(int heads) => Heads = heads;

    /// <summary>Attention heads; the width E must be a multiple of them.</summary>
    public int Heads { get; }

    /// <summary>The feed-forward's inner units; 0 (the default) stands for 4 E.</summary>
    public int Hidden { get; set; }

    /// <summary>Dropout on the attention probabilities, inside the feed-forward and on both residual branches (0.1).</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>The LayerNorms' epsilon (MCAN's 1e-6).</summary>
    public double Epsilon { get; set; } = 1e-6;

    /// <summary>The unit's name in summaries and weight files; by default the member's name in snake_case.</summary>
    public string? Name { get; set; }
}
