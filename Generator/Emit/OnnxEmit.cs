using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Emit;

/// <summary>
/// The statements a layer kind writes into the generated <c>BuildOnnx</c> (ModelGen.Onnx.OnnxGraph <c>g</c>, the current
/// value's name in <c>x</c>): one node per line, named after the layer (<c>dense0</c>) or after the layer and the step
/// (<c>dense0.relu</c>), so the exported graph reads as the summary does.
/// </summary>
internal static class OnnxEmit
{
    private const string Attribute = "global::ModelGen.Onnx.OnnxAttribute";

    /// <summary><c>x = g.Node("op", "name", [inputs], attributes);</c></summary>
    public static void Node(IndentedTextWriter writer, string op, string name, string[] inputs, params string[] attributes)
    {
        string tail = attributes.Length == 0 ? "" : ", " + string.Join(", ", attributes);
        writer.WriteLine($"x = g.Node({Literals.String(op)}, {Literals.String(name)}, [{string.Join(", ", inputs)}]{tail});");
    }

    /// <summary>A model parameter by its PyTorch name, as an initializer.</summary>
    public static string Parameter(string name) => $"g.Parameter({Literals.String(name)})";

    /// <summary>A float scalar constant.</summary>
    public static string Scalar(string name, double value) => $"g.Constant({Literals.String(name)}, [{Literals.Float(value)}])";

    /// <summary>A one-dimensional int64 constant.</summary>
    public static string Int64s(string name, params long[] values) =>
        $"g.Int64s({Literals.String(name)}{string.Concat(values.Select(v => ", " + Literals.Int(v)))})";

    public static string Int(string name, long value) => $"{Attribute}.Int({Literals.String(name)}, {Literals.Int(value)})";

    public static string Float(string name, double value) => $"{Attribute}.Float({Literals.String(name)}, {Literals.Float(value)})";

    public static string Ints(string name, params long[] values) =>
        $"{Attribute}.Ints({Literals.String(name)}{string.Concat(values.Select(v => ", " + Literals.Int(v)))})";

    public static string Strings(string name, params string[] values) =>
        $"{Attribute}.Strings({Literals.String(name)}{string.Concat(values.Select(v => ", " + Literals.String(v)))})";

    /// <summary>
    /// The activation after a layer named <paramref name="layer"/>, over the last axis for a softmax; none for Linear.
    /// GELU is the exact erf form, 0.5 x (1 + erf(x / sqrt 2)), from ONNX's Erf.
    /// </summary>
    public static void Activation(IndentedTextWriter writer, ActivationFunction activation, string layer)
    {
        switch (activation)
        {
            case ActivationFunction.Linear:
                return;
            case ActivationFunction.ReLU:
                Node(writer, "Relu", layer + ".relu", ["x"]);
                return;
            case ActivationFunction.Sigmoid:
                Node(writer, "Sigmoid", layer + ".sigmoid", ["x"]);
                return;
            case ActivationFunction.Tanh:
                Node(writer, "Tanh", layer + ".tanh", ["x"]);
                return;
            case ActivationFunction.Softmax:
                Node(writer, "Softmax", layer + ".softmax", ["x"], Int("axis", -1));
                return;
            default:
                string g = layer + ".gelu";
                writer.WriteLine($"string {Literals.Pascal(layer.Replace('.', '_'))}GeluInput = x;");
                Node(writer, "Div", g + ".scaled", ["x", Scalar(g + ".sqrt2", System.Math.Sqrt(2))]);
                Node(writer, "Erf", g + ".erf", ["x"]);
                Node(writer, "Add", g + ".one_plus", ["x", Scalar(g + ".one", 1)]);
                Node(writer, "Mul", g + ".times_x", ["x", $"{Literals.Pascal(layer.Replace('.', '_'))}GeluInput"]);
                Node(writer, "Mul", g, ["x", Scalar(g + ".half", 0.5)]);
                return;
        }
    }

    /// <summary>
    /// y = x W^T + b over the last axis of any rank: Gemm (transB) on (B, F), MatMul against the transposed weight and Add
    /// on (B, T, F); <paramref name="name"/> is the PyTorch prefix of the weight and bias (<c>dense0</c>, <c>ffn.linear1</c>).
    /// </summary>
    public static void Linear(IndentedTextWriter writer, string name, int inputRank)
    {
        if (inputRank == 1)
        {
            Node(writer, "Gemm", name, ["x", Parameter(name + ".weight"), Parameter(name + ".bias")], Int("transB", 1));
            return;
        }

        writer.WriteLine($"string {Literals.Pascal(name.Replace('.', '_'))}WeightT = g.Node(\"Transpose\", {Literals.String(name + ".weight_t")}, [{Parameter(name + ".weight")}]);");
        Node(writer, "MatMul", name + ".matmul", ["x", $"{Literals.Pascal(name.Replace('.', '_'))}WeightT"]);
        Node(writer, "Add", name, ["x", Parameter(name + ".bias")]);
    }

    /// <summary>A kind with no ONNX form yet: the export is refused at run time, naming the layer and its kind.</summary>
    public static void Unsupported(IndentedTextWriter writer, LayerPlan layer) =>
        writer.WriteLine($"x = g.Unsupported({Literals.String(layer.Spec.Kind)}, {Literals.String(layer.Spec.Name)});");
}
