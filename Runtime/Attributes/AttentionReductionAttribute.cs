namespace ModelGen;

/// <summary>
/// MCAN's attentional reduction (its reference code's AttFlat), called as <c>v = Reduce(x)</c> on a sequence (T, E) ->
/// (outputs): an MLP scores every position, a softmax over the positions (padded steps left out) weighs them, their
/// weighted sum is projected. With <see cref="Glimpses"/> g it compiles to this body:
/// <code>
/// var scores = MlpLinear(Dropout(MlpFcLinear(X)));               // Dense(Hidden, ReLU), Dropout, Dense(g): (T, g)
/// var weights = Tensor.Softmax(scores, axis: 1);                 // over the T positions, padding masked
/// var pooled = Tensor.MatMul(weights, X, transposeA: true);      // (g, E)
/// return LinearMerge(Tensor.Reshape(pooled, g * E));            // Dense(outputs)
/// </code>
/// Weights as mca.py names them: <c>name.mlp.fc.linear.weight</c>, <c>name.mlp.linear.weight</c>,
/// <c>name.linear_merge.weight</c> and their biases.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class AttentionReductionAttribute : Attribute
{
    /// <summary>Declares an attentional reduction to <paramref name="outputs"/> features (MCAN's FLAT_OUT_SIZE).</summary>
    public AttentionReductionAttribute(int outputs) => Outputs = outputs;

    /// <summary>The projected features per sample.</summary>
    public int Outputs { get; }

    /// <summary>Attention maps over the positions (MCAN's FLAT_GLIMPSES, 1).</summary>
    public int Glimpses { get; set; } = 1;

    /// <summary>The scoring MLP's hidden units; 0 (the default) stands for the width E, as MCAN's FLAT_MLP_SIZE is HIDDEN_SIZE.</summary>
    public int Hidden { get; set; }

    /// <summary>Dropout after the scoring MLP's ReLU in training (MCAN's DROPOUT_R, 0.1).</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>The unit's name in summaries and weight files; by default the member's name in snake_case.</summary>
    public string? Name { get; set; }
}
