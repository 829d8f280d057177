using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>What one node of a compiled [Forward] body computes.</summary>
internal enum GraphOp
{
    /// <summary>An [Input] member; Ints[0] is its index.</summary>
    Input,

    /// <summary>A call of a layer instance (<see cref="GraphNode.Layer"/>) on the argument nodes.</summary>
    Layer,

    /// <summary>a + b, same shapes.</summary>
    Add,

    /// <summary>a - b, same shapes.</summary>
    Subtract,

    /// <summary>a * b element-wise, same shapes.</summary>
    Multiply,

    /// <summary>a * <see cref="GraphNode.Scale"/>.</summary>
    Scale,

    /// <summary>op(a) op(b) over the last two axes, batched over the others; Ints = [transposeA, transposeB].</summary>
    MatMul,

    /// <summary>Softmax over sample axis Ints[0] (the last, or another through a transposed scratch copy).</summary>
    Softmax,

    /// <summary>Swaps two sample axes (0-based, the batch not counted); Ints = [first, second], first &lt; second.</summary>
    Transpose,

    /// <summary>The same floats with another shape: the node shares its argument's slot.</summary>
    Reshape,

    /// <summary>Joins the arguments along sample axis Ints[0].</summary>
    Concat,

    /// <summary>A slice of sample axis Ints[0], from Ints[1], Ints[2] long (a part of Split).</summary>
    Slice,

    /// <summary>The mean over sample axis Ints[0], which is removed.</summary>
    Mean,
}

/// <summary>
/// One value of a compiled [Forward] body, in execution order; its id is its index. Must stay immutable with value
/// equality (no syntax, no symbol, no location).
/// </summary>
/// <param name="Op">What it computes.</param>
/// <param name="Arguments">The nodes it reads.</param>
/// <param name="Shape">Its per-sample shape.</param>
/// <param name="Layer">For a layer call, the instance's index in <see cref="GraphSpec.Layers"/>; else -1.</param>
/// <param name="Ints">The op's integer arguments (see <see cref="GraphOp"/>).</param>
/// <param name="Scale">The constant of a Scale node.</param>
/// <param name="Text">The source expression, shortened, for the generated comment.</param>
/// <param name="Label">The summary's name of an operation inside a unit (<c>encoder.0.add1</c>); "" for the body's own, numbered by node.</param>
internal sealed record GraphNode(GraphOp Op, EquatableArray<int> Arguments, Shape Shape, int Layer, EquatableArray<int> Ints, float Scale, string Text, string Label = "");

/// <summary>One [Input] member: its name (the property's), shape, and the token vocabulary when an embedding reads it.</summary>
internal sealed record GraphInput(string Name, Shape Shape, int TokenVocabulary, string TokenLayer);

/// <summary>A partial property the generator implements (an input or a layer member): its modifiers, type and name.</summary>
internal sealed record MemberStub(string Modifiers, string Type, string Name);

/// <summary>
/// A graph model after its body was compiled: the inputs, every layer instance (one per set of weights, named by its
/// path: encoder.0.attention), the nodes in execution order and the output node.
/// </summary>
internal sealed record GraphSpec(
    EquatableArray<GraphInput> Inputs,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<Shape> LayerInputs,
    EquatableArray<GraphNode> Nodes,
    int Output);

/// <summary>
/// The partial properties of a graph model the generator implements, emitted in a file of their own even when the
/// body does not compile, so that the class still compiles and only the generator's diagnostics show.
/// </summary>
internal sealed record GraphMembers(string? Namespace, string ClassName, EquatableArray<MemberStub> Stubs);
