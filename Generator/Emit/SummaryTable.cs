using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ModelGen.Generator.Emit;

/// <summary>Keras' summary table, drawn at compile time: one row per layer, then the parameter totals.</summary>
internal static class SummaryTable
{
    // Keras' column widths, widened when a cell needs more.
    private const int NameWidth = 22;
    private const int ShapeWidth = 14;
    private const int ParamWidth = 10;
    private const int FlopsWidth = 12;

    public static long Parameters(LayerPlan layer) =>
        layer.Kind.TrainableCount(layer.Spec, layer.Input) + layer.Kind.StateCount(layer.Spec, layer.Input);

    public static long Flops(LayerPlan layer) => layer.ExtraInputs.Count == 0
        ? layer.Kind.FlopsPerSample(layer.Spec, layer.Input)
        : layer.Kind.FlopsPerSample(layer.Spec, layer.Input, layer.ExtraInputs.Select(extra => extra.Shape).ToList());

    public static string Draw(NetworkPlan plan)
    {
        var rows = plan.Network.Graph is { } graph ? GraphRows(plan, graph) : plan.Layers.Select(layer => new[]
        {
            $"{layer.Spec.Name} ({layer.Spec.Kind})",
            layer.Output.Keras,
            Literals.Count(Parameters(layer)),
            Literals.Count(Flops(layer)),
        }).ToList();
        string[] header = ["Layer (type)", "Output Shape", "Param #", "FLOPs/sample"];
        int[] widths =
        [
            Widest(rows, 0, System.Math.Max(NameWidth, header[0].Length)),
            Widest(rows, 1, System.Math.Max(ShapeWidth, header[1].Length)),
            Widest(rows, 2, System.Math.Max(ParamWidth, header[2].Length)),
            Widest(rows, 3, System.Math.Max(FlopsWidth, header[3].Length)),
        ];

        var lines = new List<string>
        {
            $"Model: \"{plan.Network.ClassName}\"",
            Rule("┏", "┳", "┓", '━', widths),
            Row("┃", header, widths),
            Rule("┡", "╇", "┩", '━', widths),
        };
        for (int i = 0; i < rows.Count; i++)
        {
            if (i > 0)
            {
                lines.Add(Rule("├", "┼", "┤", '─', widths));
            }

            lines.Add(Row("│", rows[i], widths));
        }

        lines.Add(Rule("└", "┴", "┘", '─', widths));
        lines.Add($" Total params: {Literals.Count(plan.TrainableCount + plan.StateCount)} ({Bytes(plan.TrainableCount + plan.StateCount)})");
        lines.Add($" Trainable params: {Literals.Count(plan.TrainableCount)} ({Bytes(plan.TrainableCount)})");
        lines.Add($" Non-trainable params: {Literals.Count(plan.StateCount)} ({Bytes(plan.StateCount)})");
        return string.Join("\n", lines);
    }

    /// <summary>
    /// A graph model's rows in body order, as Keras lists a functional model's: each layer at its first call (a shared
    /// layer's later calls add FLOPs but no row), and each tensor operation with its FLOPs (Keras' op layers).
    /// </summary>
    private static List<string[]> GraphRows(NetworkPlan plan, Graph.GraphSpec graph)
    {
        var rows = new List<string[]>();
        var seen = new HashSet<int>();
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            var node = graph.Nodes[n];
            if (node.Op == Graph.GraphOp.Input)
            {
                continue;
            }

            if (plan.NodeLayers[n] is { } layer)
            {
                if (seen.Add(node.Layer))
                {
                    long flops = graph.Nodes.Where(other => other.Op == Graph.GraphOp.Layer && other.Layer == node.Layer).Count() * Flops(layer);
                    rows.Add([$"{layer.Spec.Name} ({layer.Spec.Kind})", layer.Output.Keras, Literals.Count(Parameters(layer)), Literals.Count(flops)]);
                }

                continue;
            }

            rows.Add([$"{NetworkPlan.OperationName(node, n)} ({node.Op})", node.Shape.Keras, "0", Literals.Count(OpFlops(graph, node))]);
        }

        return rows;
    }

    /// <summary>One per element for arithmetic and the mean, 2 M N K per product, a softmax's three per element; moves are free.</summary>
    private static long OpFlops(Graph.GraphSpec graph, Graph.GraphNode node)
    {
        var input = graph.Nodes[node.Arguments[0]].Shape;
        switch (node.Op)
        {
            case Graph.GraphOp.Add or Graph.GraphOp.Subtract or Graph.GraphOp.Multiply or Graph.GraphOp.Scale:
                return node.Shape.Size;
            case Graph.GraphOp.Mean:
                return input.Size;
            case Graph.GraphOp.Softmax:
                return 3 * node.Shape.Size;
            case Graph.GraphOp.MatMul:
                int k = node.Ints[0] == 1 ? input.Dimensions[input.Rank - 2] : input.Dimensions[input.Rank - 1];
                return 2 * node.Shape.Size * k;
            default:
                return 0;
        }
    }

    private static int Widest(List<string[]> rows, int column, int minimum) =>
        rows.Select(row => row[column].Length).DefaultIfEmpty(0).Max() is var widest && widest > minimum ? widest : minimum;

    private static string Rule(string left, string middle, string right, char fill, int[] widths) =>
        left + string.Join(middle, widths.Select(width => new string(fill, width + 2))) + right;

    // Names and shapes align left, counts right, as Keras prints them.
    private static string Row(string bar, string[] cells, int[] widths) =>
        bar + " " + string.Join(" " + bar + " ", cells.Select((cell, i) => i < 2 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))) + " " + bar;

    // Keras reports the float32 size in binary units with two decimals.
    private static string Bytes(long floats)
    {
        double bytes = floats * 4.0;
        string[] units = ["B", "KB", "MB", "GB"];
        int unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return bytes.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
