using ModelGen.Onnx;

namespace ModelGen;

public abstract partial class CompiledModel
{
    /// <summary>
    /// Writes the model's inference graph as an ONNX file (opset <see cref="OnnxGraph.Opset"/>), through a temporary file
    /// renamed over <paramref name="path"/>: the generator's <see cref="BuildOnnx"/> nodes, named after their layers, over
    /// the current weights (BatchNorm's running statistics included) as initializers under their PyTorch names. The inputs
    /// keep their names (<c>input</c> for a sequential model) and shapes with a symbolic <c>batch</c> first; the output is
    /// <c>output</c>, what <see cref="Predict(ReadOnlySpan{float}, Span{float})"/> returns (after a fused sigmoid or
    /// softmax). Dropout is the identity, as in inference.
    /// </summary>
    /// <param name="path">The .onnx file to write.</param>
    /// <exception cref="NotSupportedException">A layer of the model has no ONNX form yet; the message names it.</exception>
    public void ExportOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var weights = new float[WeightCount];
        ReadWeights(weights);
        Dictionary<string, ParameterInfo> byName = Layout.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var graph = new OnnxGraph(name =>
        {
            if (!byName.TryGetValue(name, out ParameterInfo? parameter))
            {
                throw new InvalidOperationException($"{Layout.Name} has no parameter '{name}' for its ONNX graph.");
            }

            return (weights.AsSpan(parameter.Offset, parameter.Length).ToArray(), parameter.Shape);
        });

        (string Name, int[] Shape)[] inputs = [.. Layout.Inputs.Select(input => (input.Name, input.Shape))];
        string result = BuildOnnx(graph, [.. inputs.Select(input => input.Name)]);
        graph.Node("Identity", "output", [result]);
        byte[] bytes = graph.Write(Layout.Name, inputs, ("output", Layout.OutputShape));
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// Adds the model's inference graph to <paramref name="graph"/> from its input values <paramref name="inputs"/> and
    /// returns the name of the output value; the generator writes it from each layer kind's ONNX step.
    /// </summary>
    protected virtual string BuildOnnx(OnnxGraph graph, IReadOnlyList<string> inputs) =>
        throw new NotSupportedException($"{Layout.Name} was not generated with an ONNX graph.");
}
