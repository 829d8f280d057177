using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>
/// The kernel calls of a graph's tensor operations, forward and backward. Shapes are per sample; the batch joins the
/// leading rows of every call ("4 * batch" rows).
/// </summary>
internal static class GraphOps
{
    public static void Forward(NetworkPlan plan, GraphSpec graph, int n, List<string> lines)
    {
        var node = graph.Nodes[n];
        string y = Act(plan, graph, n);
        int width = (int)node.Shape.Size;
        string Arg(int i) => Act(plan, graph, node.Arguments[i]);
        lines.Add($"// {node.Text}  -> {node.Shape}");
        switch (node.Op)
        {
            case GraphOp.Add:
                lines.Add($"k.Axpby(1f, {Arg(0)}, 1f, {Arg(1)}, {y}, {Rows(width)});");
                break;
            case GraphOp.Subtract:
                lines.Add($"k.Axpby(1f, {Arg(0)}, -1f, {Arg(1)}, {y}, {Rows(width)});");
                break;
            case GraphOp.Multiply:
                lines.Add($"k.Multiply({Arg(0)}, {Arg(1)}, {y}, {Rows(width)}, false);");
                break;
            case GraphOp.Scale:
                lines.Add($"k.Axpby({Literals.Float(node.Scale)}, {Arg(0)}, 0f, {Arg(0)}, {y}, {Rows(width)});");
                break;
            case GraphOp.MatMul:
            {
                var (count, m, k, nn, strideA, strideB) = MatMulShape(graph, node);
                lines.Add($"k.BatchedGemm({Bool(node.Ints[0])}, {Bool(node.Ints[1])}, {Rows(count)}, {m}, {nn}, {k}, 1f, {Arg(0)}, {strideA}, {Arg(1)}, {strideB}, 0f, {y}, {m * nn});");
                break;
            }

            case GraphOp.Softmax:
            {
                int axis = node.Ints[0];
                if (axis == node.Shape.Rank - 1)
                {
                    int last = node.Shape.Dimensions[axis];
                    lines.Add($"k.AttentionSoftmax({Arg(0)}, default, {y}, batch, 1, {width / last}, {last}, 1f);");
                    break;
                }

                // Moved so that the axis is last: (outer, length, inner) -> (outer, inner, length), then back.
                var (outer, inner) = Around(node.Shape, axis);
                int length = node.Shape.Dimensions[axis];
                string moved = Buffers.Act(plan.NodeScratch[n], width);
                string mask = axis == 0 && plan.NodeMasks[node.Arguments[0]] is { } steps ? Buffers.Act(steps, length) : "default";
                lines.Add($"k.SwapAxes({Arg(0)}, {moved}, {Rows(outer)}, {length}, 1, {inner}, 1, false);");
                lines.Add(outer == 1
                    ? $"k.AttentionSoftmax({moved}, {mask}, {moved}, batch, {inner}, 1, {length}, 1f);"
                    : $"k.AttentionSoftmax({moved}, default, {moved}, batch, {outer * inner}, 1, {length}, 1f);");
                lines.Add($"k.SwapAxes({moved}, {y}, {Rows(outer)}, {inner}, 1, {length}, 1, false);");
                break;
            }

            case GraphOp.Transpose:
            {
                var (outer, first, middle, second, inner) = Swap(graph.Nodes[node.Arguments[0]].Shape, node.Ints[0], node.Ints[1]);
                lines.Add($"k.SwapAxes({Arg(0)}, {y}, {Rows(outer)}, {first}, {middle}, {second}, {inner}, false);");
                break;
            }

            case GraphOp.Reshape:
                if (plan.NodeSlots[n] != plan.NodeSlots[node.Arguments[0]])
                {
                    lines.Add($"k.Copy({Arg(0)}, {y});");
                }
                else
                {
                    lines[lines.Count - 1] += "; the same floats, no copy";
                }

                break;
            case GraphOp.Concat:
            {
                int axis = node.Ints[0];
                var (outer, inner) = Around(node.Shape, axis);
                int total = node.Shape.Dimensions[axis] * inner;
                int offset = 0;
                for (int i = 0; i < node.Arguments.Count; i++)
                {
                    int part = graph.Nodes[node.Arguments[i]].Shape.Dimensions[axis] * inner;
                    lines.Add($"k.CopyRows({Arg(i)}, {part}, {Offset(y, offset, width)}, {total}, {Rows(outer)}, {part}, false);");
                    offset += part;
                }

                break;
            }

            case GraphOp.Slice:
            {
                var source = graph.Nodes[node.Arguments[0]].Shape;
                var (outer, inner) = Around(source, node.Ints[0]);
                int total = source.Dimensions[node.Ints[0]] * inner;
                int part = node.Ints[2] * inner;
                lines.Add($"k.CopyRows({Offset(Arg(0), node.Ints[1] * inner, (int)source.Size)}, {total}, {y}, {part}, {Rows(outer)}, {part}, false);");
                break;
            }

            case GraphOp.Mean:
            {
                var source = graph.Nodes[node.Arguments[0]].Shape;
                var (outer, inner) = Around(source, node.Ints[0]);
                string mask = MeanMask(plan, graph, node);
                lines.Add($"k.MeanAxis({Arg(0)}, {mask}, {y}, {Rows(outer)}, {source.Dimensions[node.Ints[0]]}, {inner});");
                break;
            }
        }
    }

    public static void Backward(GraphGradients context, int n, GradientBuffer gradient, List<string> lines)
    {
        var graph = context.Graph;
        var plan = context.Plan;
        var node = graph.Nodes[n];
        int width = (int)node.Shape.Size;
        string dy = Buffers.Act(gradient.Constant, width);
        string Value(int i) => Act(plan, graph, node.Arguments[i]);
        int a = node.Arguments[0];
        lines.Add($"// {node.Text}: backward");
        switch (node.Op)
        {
            case GraphOp.Add:
            case GraphOp.Subtract:
            {
                int b = node.Arguments[1];
                float sign = node.Op == GraphOp.Add ? 1f : -1f;

                // b first: it reads dy before a takes the buffer over (and may change it later).
                if (context.Needs[b])
                {
                    var (target, accumulate) = context.Target(b);
                    lines.Add(accumulate
                        ? $"k.Axpby(1f, {target}, {Literals.Float(sign)}, {dy}, {target}, {Rows(width)});"
                        : $"k.Axpby({Literals.Float(sign)}, {dy}, 0f, {dy}, {target}, {Rows(width)});");
                }

                context.Pass(a, gradient, lines);
                if (lines.Count == 1)
                {
                    lines[0] = $"// {node.Text}: the gradient passes on unchanged";
                }

                break;
            }

            case GraphOp.Multiply:
            {
                int b = node.Arguments[1];
                if (context.Needs[b])
                {
                    var (target, accumulate) = context.Target(b);
                    lines.Add($"k.Multiply({dy}, {Value(0)}, {target}, {Rows(width)}, {Bool(accumulate)});");
                }

                if (context.Needs[a])
                {
                    var (target, accumulate) = context.Target(a);
                    lines.Add($"k.Multiply({dy}, {Value(1)}, {target}, {Rows(width)}, {Bool(accumulate)});");
                }

                break;
            }

            case GraphOp.Scale:
                lines.Add($"k.Axpby({Literals.Float(node.Scale)}, {dy}, 0f, {dy}, {dy}, {Rows(width)});");
                context.Pass(a, gradient, lines);
                break;
            case GraphOp.MatMul:
            {
                // C = op(A) op(B): dop(A) = dC op(B)^T, dop(B) = op(A)^T dC, each transposed back when the operand was.
                var (count, m, k, nn, strideA, strideB) = MatMulShape(graph, node);
                bool ta = node.Ints[0] == 1;
                bool tb = node.Ints[1] == 1;
                int b = node.Arguments[1];
                if (context.Needs[a])
                {
                    var (target, accumulate) = context.Target(a);
                    string beta = accumulate ? "1f" : "0f";
                    lines.Add(ta
                        ? $"k.BatchedGemm({Bool(tb)}, true, {Rows(count)}, {k}, {m}, {nn}, 1f, {Value(1)}, {strideB}, {dy}, {m * nn}, {beta}, {target}, {strideA});"
                        : $"k.BatchedGemm(false, {Bool(!tb)}, {Rows(count)}, {m}, {k}, {nn}, 1f, {dy}, {m * nn}, {Value(1)}, {strideB}, {beta}, {target}, {strideA});");
                }

                if (context.Needs[b])
                {
                    var (target, accumulate) = context.Target(b);
                    string beta = accumulate ? "1f" : "0f";
                    lines.Add(tb
                        ? $"k.BatchedGemm(true, {Bool(ta)}, {Rows(count)}, {nn}, {k}, {m}, 1f, {dy}, {m * nn}, {Value(0)}, {strideA}, {beta}, {target}, {strideB});"
                        : $"k.BatchedGemm({Bool(!ta)}, false, {Rows(count)}, {k}, {nn}, {m}, 1f, {Value(0)}, {strideA}, {dy}, {m * nn}, {beta}, {target}, {strideB});");
                }

                break;
            }

            case GraphOp.Softmax:
            {
                int axis = node.Ints[0];
                if (axis == node.Shape.Rank - 1)
                {
                    int last = node.Shape.Dimensions[axis];
                    lines.Add($"k.AttentionSoftmaxBackward({Act(plan, graph, n)}, {dy}, {dy}, {Rows(width / last)}, {last}, 1f);");
                    context.Pass(a, gradient, lines);
                    break;
                }

                // dy moved as the forward moved x, through the softmax with the moved probabilities, and moved back.
                var (outer, inner) = Around(node.Shape, axis);
                int length = node.Shape.Dimensions[axis];
                var scratch = context.Scratch(n);
                string moved = Buffers.Act(scratch.Constant, width);
                lines.Add($"k.SwapAxes({dy}, {moved}, {Rows(outer)}, {length}, 1, {inner}, 1, false);");
                lines.Add($"k.AttentionSoftmaxBackward({Buffers.Act(plan.NodeScratch[n], width)}, {moved}, {moved}, {Rows(outer * inner)}, {length}, 1f);");
                var (target, accumulate) = context.Target(a);
                lines.Add($"k.SwapAxes({moved}, {target}, {Rows(outer)}, {inner}, 1, {length}, 1, {Bool(accumulate)});");
                break;
            }

            case GraphOp.Transpose:
            {
                var (outer, first, middle, second, inner) = Swap(graph.Nodes[a].Shape, node.Ints[0], node.Ints[1]);
                var (target, accumulate) = context.Target(a);
                lines.Add($"k.SwapAxes({dy}, {target}, {Rows(outer)}, {second}, {middle}, {first}, {inner}, {Bool(accumulate)});");
                break;
            }

            case GraphOp.Reshape:
                context.Pass(a, gradient, lines);
                break;
            case GraphOp.Concat:
            {
                int axis = node.Ints[0];
                var (outer, inner) = Around(node.Shape, axis);
                int total = node.Shape.Dimensions[axis] * inner;
                int offset = 0;
                for (int i = 0; i < node.Arguments.Count; i++)
                {
                    int argument = node.Arguments[i];
                    int part = graph.Nodes[argument].Shape.Dimensions[axis] * inner;
                    if (context.Needs[argument])
                    {
                        var (target, accumulate) = context.Target(argument);
                        lines.Add($"k.CopyRows({Offset(dy, offset, width)}, {total}, {target}, {part}, {Rows(outer)}, {part}, {Bool(accumulate)});");
                    }

                    offset += part;
                }

                break;
            }

            case GraphOp.Slice:
            {
                var source = graph.Nodes[a].Shape;
                var (outer, inner) = Around(source, node.Ints[0]);
                int total = source.Dimensions[node.Ints[0]] * inner;
                int part = node.Ints[2] * inner;
                var (target, accumulate) = context.Target(a);
                if (!accumulate)
                {
                    lines.Add($"k.Fill({target}, 0f);");
                }

                lines.Add($"k.CopyRows({dy}, {part}, {Offset(target, node.Ints[1] * inner, (int)source.Size)}, {total}, {Rows(outer)}, {part}, true);");
                break;
            }

            case GraphOp.Mean:
            {
                var source = graph.Nodes[a].Shape;
                var (outer, inner) = Around(source, node.Ints[0]);
                var (target, accumulate) = context.Target(a);
                lines.Add($"k.MeanAxisBackward({dy}, {MeanMask(plan, graph, node)}, {target}, {Rows(outer)}, {source.Dimensions[node.Ints[0]]}, {inner}, {Bool(accumulate)});");
                break;
            }
        }
    }

    private static string Act(NetworkPlan plan, GraphSpec graph, int node) => Buffers.Act(plan.NodeSlots[node], (int)graph.Nodes[node].Shape.Size);

    private static string Rows(long perSample) => GraphGradients.Rows(perSample);

    private static string Bool(int flag) => flag == 1 ? "true" : "false";

    private static string Bool(bool flag) => flag ? "true" : "false";

    /// <summary>A view <paramref name="offset"/> floats into a (B, width) buffer, to its end.</summary>
    private static string Offset(string view, int offset, int width) =>
        offset == 0 ? view : $"{view}.Slice({offset}, {width} * batch - {offset})";

    /// <summary>The mask a mean over the first sample axis honours (the sequence's padding), else default.</summary>
    private static string MeanMask(NetworkPlan plan, GraphSpec graph, GraphNode node) =>
        node.Ints[0] == 0 && plan.NodeMasks[node.Arguments[0]] is { } mask
            ? Buffers.Act(mask, graph.Nodes[node.Arguments[0]].Shape.Dimensions[0])
            : "default";

    /// <summary>Per-sample products before and after <paramref name="axis"/>.</summary>
    private static (int Outer, int Inner) Around(Shape shape, int axis)
    {
        int outer = 1;
        int inner = 1;
        for (int d = 0; d < shape.Rank; d++)
        {
            if (d < axis)
            {
                outer *= shape.Dimensions[d];
            }
            else if (d > axis)
            {
                inner *= shape.Dimensions[d];
            }
        }

        return (outer, inner);
    }

    /// <summary>The five groups of <see cref="Kernels"/>' SwapAxes for swapping sample axes first &lt; second of shape.</summary>
    private static (int Outer, int First, int Middle, int Second, int Inner) Swap(Shape shape, int first, int second)
    {
        var d = shape.Dimensions;
        int outer = Enumerable.Range(0, first).Aggregate(1, (p, i) => p * d[i]);
        int middle = Enumerable.Range(first + 1, second - first - 1).Aggregate(1, (p, i) => p * d[i]);
        int inner = Enumerable.Range(second + 1, shape.Rank - second - 1).Aggregate(1, (p, i) => p * d[i]);
        return (outer, d[first], middle, d[second], inner);
    }

    /// <summary>A MatMul's products per sample, M, K, N and the strides of its operands' matrices.</summary>
    private static (int Count, int M, int K, int N, int StrideA, int StrideB) MatMulShape(GraphSpec graph, GraphNode node)
    {
        var a = graph.Nodes[node.Arguments[0]].Shape.Dimensions;
        var b = graph.Nodes[node.Arguments[1]].Shape.Dimensions;
        int rank = a.Count;
        int count = Enumerable.Range(0, rank - 2).Aggregate(1, (p, i) => p * a[i]);
        bool ta = node.Ints[0] == 1;
        bool tb = node.Ints[1] == 1;
        int m = ta ? a[rank - 1] : a[rank - 2];
        int k = ta ? a[rank - 2] : a[rank - 1];
        int n = tb ? b[rank - 2] : b[rank - 1];
        return (count, m, k, n, a[rank - 2] * a[rank - 1], b[rank - 2] * b[rank - 1]);
    }

    /// <summary>
    /// The graph model's inference graph for ExportOnnx: each node in execution order, its value in <c>v[n]</c>; a layer
    /// call through its kind's ONNX step (the first input in <c>x</c>, the others in <c>extra0</c>, ...), each tensor
    /// operation as the ONNX operator that computes it, with the padding masks where the kernels use them.
    /// </summary>
    public static void WriteOnnx(IndentedTextWriter writer, NetworkPlan plan, GraphSpec graph)
    {
        writer.WriteLine($"var v = new string[{Literals.Int(graph.Nodes.Count)}];");
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            var node = graph.Nodes[n];
            writer.WriteLine();
            writer.WriteLine($"// {node.Text}  -> {node.Shape}");
            using (writer.WriteBlock())
            {
                WriteOnnxNode(writer, plan, graph, n);
            }
        }

        writer.WriteLine($"return v[{Literals.Int(graph.Output)}];");
    }

    private static void WriteOnnxNode(IndentedTextWriter writer, NetworkPlan plan, GraphSpec graph, int n)
    {
        var node = graph.Nodes[n];
        string Arg(int i) => $"v[{Literals.Int(node.Arguments[i])}]";
        string name = node.Label.Length > 0 ? node.Label : node.Op.ToString().ToLowerInvariant() + Literals.Int(n);
        int rank = node.Shape.Rank + 1;
        string? firstMask = node.Arguments.Count > 0 ? plan.NodeMasks[node.Arguments[0]] : null;
        void Set(string op, string[] inputs, params string[] attributes)
        {
            string tail = attributes.Length == 0 ? "" : ", " + string.Join(", ", attributes);
            writer.WriteLine($"v[{Literals.Int(n)}] = g.Node({Literals.String(op)}, {Literals.String(name)}, [{string.Join(", ", inputs)}]{tail});");
        }

        switch (node.Op)
        {
            case GraphOp.Input:
                writer.WriteLine($"v[{Literals.Int(n)}] = inputs[{Literals.Int(node.Ints[0])}];");
                return;
            case GraphOp.Layer:
            {
                var layer = plan.NodeLayers[n]!;
                writer.WriteLine($"string x = {Arg(0)};");
                for (int a = 1; a < node.Arguments.Count; a++)
                {
                    writer.WriteLine($"string extra{Literals.Int(a - 1)} = {Arg(a)};");
                }

                layer.Kind.EmitOnnx(writer, layer);
                writer.WriteLine($"v[{Literals.Int(n)}] = x;");
                return;
            }

            case GraphOp.Add:
            case GraphOp.Subtract:
            case GraphOp.Multiply:
            {
                Set(node.Op == GraphOp.Add ? "Add" : node.Op == GraphOp.Subtract ? "Sub" : "Mul", [Arg(0), Arg(1)]);
                string? second = plan.NodeMasks[node.Arguments[1]];
                if (firstMask is not null && second is not null && firstMask != second && plan.NodeMasks[n] is { } merged)
                {
                    // Keras' merge: a step is kept where both operands keep it.
                    OnnxEmit.SetMask(writer, merged, "Mul", name + ".mask", [OnnxEmit.Mask(firstMask), OnnxEmit.Mask(second)]);
                }

                return;
            }

            case GraphOp.Scale:
                Set("Mul", [Arg(0), OnnxEmit.Scalar(name + ".scale", node.Scale)]);
                return;
            case GraphOp.MatMul:
            {
                string Operand(int i)
                {
                    if (node.Ints[i] == 0)
                    {
                        return Arg(i);
                    }

                    int operandRank = graph.Nodes[node.Arguments[i]].Shape.Rank + 1;
                    long[] perm = new long[operandRank];
                    for (int d = 0; d < operandRank; d++)
                    {
                        perm[d] = d;
                    }

                    (perm[operandRank - 2], perm[operandRank - 1]) = (operandRank - 1, operandRank - 2);
                    return $"g.Node(\"Transpose\", {Literals.String(name + (i == 0 ? ".a_t" : ".b_t"))}, [{Arg(i)}], {OnnxEmit.Ints("perm", perm)})";
                }

                Set("MatMul", [Operand(0), Operand(1)]);
                return;
            }

            case GraphOp.Softmax:
            {
                int axis = node.Ints[0];
                writer.WriteLine($"string x = {Arg(0)};");
                if (axis == 0 && axis != node.Shape.Rank - 1 && firstMask is not null)
                {
                    // The kernels leave the masked steps out of a softmax over the steps (-1e9 added, as Keras does).
                    OnnxEmit.AddMaskBias(writer, OnnxEmit.Mask(firstMask), name, node.Shape.Dimensions[0], node.Shape.Rank, stepsFirst: true);
                }

                Set("Softmax", ["x"], OnnxEmit.Int("axis", axis + 1));
                return;
            }

            case GraphOp.Transpose:
            {
                long[] perm = new long[rank];
                for (int d = 0; d < rank; d++)
                {
                    perm[d] = d;
                }

                (perm[node.Ints[0] + 1], perm[node.Ints[1] + 1]) = (node.Ints[1] + 1, node.Ints[0] + 1);
                Set("Transpose", [Arg(0)], OnnxEmit.Ints("perm", perm));
                return;
            }

            case GraphOp.Reshape:
                Set("Reshape", [Arg(0), OnnxEmit.Int64s(name + ".shape", [0, .. node.Shape.Dimensions.Select(d => (long)d)])]);
                return;
            case GraphOp.Concat:
                Set("Concat", [.. node.Arguments.Select((_, i) => Arg(i))], OnnxEmit.Int("axis", node.Ints[0] + 1));
                return;
            case GraphOp.Slice:
                Set("Slice", [Arg(0), OnnxEmit.Int64s(name + ".start", node.Ints[1]), OnnxEmit.Int64s(name + ".end", node.Ints[1] + node.Ints[2]),
                    OnnxEmit.Int64s(name + ".axis", node.Ints[0] + 1)]);
                return;
            case GraphOp.Mean:
            {
                var source = graph.Nodes[node.Arguments[0]].Shape;
                if (node.Ints[0] == 0 && firstMask is not null)
                {
                    // The mean of the kept steps only: sum(x m) / max(sum(m), 1), 0 for a row with none kept.
                    int steps = source.Dimensions[0];
                    long[] maskShape = [0, steps, .. Enumerable.Repeat(1L, source.Rank - 1)];
                    long[] countShape = [0, .. Enumerable.Repeat(1L, source.Rank - 1)];
                    string mask = OnnxEmit.Mask(firstMask);
                    writer.WriteLine($"string weighted = g.Node(\"Mul\", {Literals.String(name + ".kept")}, [{Arg(0)}, g.Node(\"Reshape\", {Literals.String(name + ".mask_shaped")}, [{mask}, {OnnxEmit.Int64s(name + ".mask_shape", maskShape)}])]);");
                    writer.WriteLine($"string total = g.Node(\"ReduceSum\", {Literals.String(name + ".sum")}, [weighted, {OnnxEmit.Int64s(name + ".axes", 1)}], {OnnxEmit.Int("keepdims", 0)});");
                    writer.WriteLine($"string count = g.Node(\"Max\", {Literals.String(name + ".count")}, [g.Node(\"ReduceSum\", {Literals.String(name + ".kept_steps")}, [{mask}, {OnnxEmit.Int64s(name + ".count_axes", 1)}], {OnnxEmit.Int("keepdims", 1)}), {OnnxEmit.Scalar(name + ".one", 1)}]);");
                    Set("Div", ["total", $"g.Node(\"Reshape\", {Literals.String(name + ".count_shaped")}, [count, {OnnxEmit.Int64s(name + ".count_shape", countShape)}])"]);
                    return;
                }

                Set("ReduceMean", [Arg(0)], OnnxEmit.Ints("axes", node.Ints[0] + 1), OnnxEmit.Int("keepdims", 0));
                return;
            }

            default:
                writer.WriteLine($"v[{Literals.Int(n)}] = g.Unsupported({Literals.String(node.Op.ToString())}, {Literals.String(name)});");
                return;
        }
    }
}
