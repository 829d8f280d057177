namespace ModelGen.Generator.Model;

/// <summary>
/// A network that passed validation: everything Emit needs and nothing else (no location, so moving code
/// never re-emits). Must stay immutable with value equality.
/// </summary>
/// <param name="Namespace">The containing namespace, or null for the global namespace.</param>
/// <param name="ClassName">The class name.</param>
/// <param name="Loss">The training loss.</param>
/// <param name="InputShape">Shape of one input sample.</param>
/// <param name="Layers">The layers in order.</param>
/// <param name="OutputShapes">Each layer's output shape, index for index with <paramref name="Layers"/>.</param>
internal sealed record NetworkSpec(
    string? Namespace,
    string ClassName,
    LossFunction Loss,
    Shape InputShape,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<Shape> OutputShapes)
{
    /// <summary>For a graph model: its compiled [Forward] body (then <see cref="Layers"/> are its layer instances).</summary>
    public Graph.GraphSpec? Graph { get; init; }

    public Shape OutputShape => Graph is { } graph ? graph.Nodes[graph.Output].Shape : OutputShapes[OutputShapes.Count - 1];

    public Shape InputShapeOf(int layer) => layer == 0 ? InputShape : OutputShapes[layer - 1];
}
