using ModelGen.Generator.Layers;

namespace ModelGen.Generator.Model;

/// <summary>
/// One layer's hyperparameters as read from its attribute: strings, numbers and enums only. Each layer
/// kind derives its own record under Layers/. Must stay immutable with value equality.
/// </summary>
/// <param name="Name">The layer's name (its attribute's Name, or kind and index: dense0).</param>
internal abstract record LayerSpec(string Name)
{
    /// <summary>The layer's type as the summary shows it (Dense, BatchNorm, ...).</summary>
    public abstract string Kind { get; }

    /// <summary>The L1 and L2 regularisers the attribute declares on the layer's tensors (none by default).</summary>
    public Regularization Regularization { get; init; } = Regularization.None;

    /// <summary>The kind's implementation (a stateless singleton, so it takes no part in equality).</summary>
    public abstract LayerKind Layer { get; }
}
