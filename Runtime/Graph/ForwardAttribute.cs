namespace ModelGen;

/// <summary>
/// Marks the method whose body the generator compiles into a graph model's Forward and Backward passes. The body may
/// use locals, calls of layer members, +, -, element-wise *, scaling by constants, the static members of
/// <see cref="Tensor"/>, fixed-count loops over a repeated member, and must end in a return of the output.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ForwardAttribute : Attribute;
