namespace ModelGen;

/// <summary>
/// Marks a <c>partial</c> class as a network that the ModelGen generator compiles. Its layers are the
/// layer attributes that follow on the same class, in source order, starting with <see cref="InputAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    /// <summary>The training loss (Keras' <c>loss=</c>).</summary>
    public Loss Loss { get; set; } = Loss.MeanSquaredError;
}
