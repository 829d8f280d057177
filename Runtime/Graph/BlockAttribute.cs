namespace ModelGen;

/// <summary>
/// Uses another <c>[Model]</c> class as a layer: <c>[Block(typeof(EncoderBlock))] public partial Layer Encoder { get; }</c>.
/// The block's inputs are its call's arguments in declaration order; its parameters are nested under the member's
/// name (<c>encoder.attention.in_proj_weight</c>); its own loss is ignored.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class BlockAttribute : Attribute
{
    /// <summary>Declares a member that runs <paramref name="model"/>'s forward body.</summary>
    public BlockAttribute(Type model) => Model = model;

    /// <summary>The [Model] class used as a layer.</summary>
    public Type Model { get; }

    /// <summary>The member's name in summaries and weight files; by default the property's name in snake case.</summary>
    public string? Name { get; set; }
}
