namespace ModelGen;

/// <summary>
/// A fully connected layer, y = act(x W^T + b), with Glorot-uniform weights and zero biases (Keras' defaults).
/// Its weight is stored as PyTorch does, (units, inputs).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : RegularizedLayerAttribute
{
    /// <summary>Declares a dense layer of <paramref name="units"/> outputs followed by <paramref name="activation"/>.</summary>
    public DenseAttribute(int units, Activation activation = Activation.Linear)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>Number of outputs.</summary>
    public int Units { get; }

    /// <summary>The activation applied to the outputs.</summary>
    public Activation Activation { get; }

    /// <summary>The layer's name in summaries and weight files; by default <c>dense</c> and its index.</summary>
    public string? Name { get; set; }
}
