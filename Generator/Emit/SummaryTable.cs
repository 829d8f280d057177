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

    public static long Flops(LayerPlan layer) => layer.Kind.FlopsPerSample(layer.Spec, layer.Input);

    public static string Draw(NetworkPlan plan)
    {
        var rows = plan.Layers.Select(layer => new[]
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
