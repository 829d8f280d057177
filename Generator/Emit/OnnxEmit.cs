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
    public static string Scalar(string name, double value) => $"g.Constant({Literals.String(name)}, [{Literals.FloatExpression(value)}])";

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

    /// <summary>
    /// The ONNX value of the (B, T) padding mask held in slot <paramref name="slot"/> (1 kept, 0 masked), from the generated
    /// dictionary <c>masks</c> that the layer making the mask fills.
    /// </summary>
    public static string Mask(string slot) => $"masks[{Literals.String(slot)}]";

    /// <summary><c>masks["slot"] = g.Node(...);</c>: the layer that makes a mask records its ONNX value.</summary>
    public static void SetMask(IndentedTextWriter writer, string slot, string op, string name, string[] inputs, params string[] attributes)
    {
        string tail = attributes.Length == 0 ? "" : ", " + string.Join(", ", attributes);
        writer.WriteLine($"masks[{Literals.String(slot)}] = g.Node({Literals.String(op)}, {Literals.String(name)}, [{string.Join(", ", inputs)}]{tail});");
    }

    /// <summary>
    /// Adds the additive attention bias of a (B, S) mask to <c>x</c>, scores whose last axis is S: 0 where kept, -1e9
    /// where masked (Keras' value, as the kernels add it), reshaped to (B, 1, ..., 1, S) over <paramref name="rank"/> axes
    /// after the batch; or to (B, S, 1, ..., 1) when <paramref name="stepsFirst"/> (a softmax over the steps).
    /// </summary>
    public static void AddMaskBias(IndentedTextWriter writer, string mask, string name, int steps, int rank, bool stepsFirst = false)
    {
        writer.WriteLine($"string {Literals.Pascal(name.Replace('.', '_'))}Bias = g.Node(\"Mul\", {Literals.String(name + ".mask_bias")}, [g.Node(\"Sub\", {Literals.String(name + ".masked")}, [{Scalar(name + ".one", 1)}, {mask}]), {Scalar(name + ".minus_1e9", -1e9)}]);");
        long[] shape = new long[rank + 1];
        for (int d = 1; d <= rank; d++)
        {
            shape[d] = 1;
        }

        shape[0] = 0;
        shape[stepsFirst ? 1 : rank] = steps;
        writer.WriteLine($"{Literals.Pascal(name.Replace('.', '_'))}Bias = g.Node(\"Reshape\", {Literals.String(name + ".mask_bias_shaped")}, [{Literals.Pascal(name.Replace('.', '_'))}Bias, {Int64s(name + ".mask_shape", shape)}]);");
        Node(writer, "Add", name + ".masked_scores", ["x", $"{Literals.Pascal(name.Replace('.', '_'))}Bias"]);
    }

    /// <summary>A kind with no ONNX form yet: the export is refused at run time, naming the layer and its kind.</summary>
    public static void Unsupported(IndentedTextWriter writer, LayerPlan layer) =>
        writer.WriteLine($"x = g.Unsupported({Literals.String(layer.Spec.Kind)}, {Literals.String(layer.Spec.Name)});");
}
