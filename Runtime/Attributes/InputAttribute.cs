namespace ModelGen;

/// <summary>The shape of one input sample, without the batch dimension: <c>[Input(30)]</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares an input of the given dimensions.</summary>
    public InputAttribute(params int[] shape) => Shape = shape;

    /// <summary>The dimensions of one sample.</summary>
    public int[] Shape { get; }
}
