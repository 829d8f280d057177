namespace ModelGen;

/// <summary>
/// Makes a layer member (of type <c>Layer[]</c>) several layers of the same kind, each with its own
/// weights, named as a PyTorch ModuleList (<c>blocks.0.weight</c>): <c>[Repeat(3), Block(typeof(EncoderBlock))]
/// public partial Layer[] Blocks { get; }</c>, used in a loop with a constant bound or a foreach.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RepeatAttribute : Attribute
{
    /// <summary>Declares <paramref name="count"/> copies.</summary>
    public RepeatAttribute(int count) => Count = count;

    /// <summary>How many layers the member holds.</summary>
    public int Count { get; }
}
