namespace ModelGen;

/// <summary>An activation on its own, as Keras' <c>Activation</c> layer.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class ActivationAttribute : Attribute
{
    /// <summary>Declares the activation layer.</summary>
    public ActivationAttribute(Activation kind) => Kind = kind;

    /// <summary>The function applied.</summary>
    public Activation Kind { get; }

    /// <summary>The layer's name in summaries; by default <c>activation</c> and its index.</summary>
    public string? Name { get; set; }
}
