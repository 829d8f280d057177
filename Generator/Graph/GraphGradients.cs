using System.Collections.Generic;
using ModelGen.Generator.Emit;

namespace ModelGen.Generator.Graph;

/// <summary>
/// The gradient buffers of a graph's nodes while the backward pass is planned, in reverse node order: a node's
/// buffer is made (or taken over) by its first consumer and added to by the others.
/// </summary>
internal sealed class GraphGradients(NetworkPlan plan, GraphSpec graph, GradientBuffer?[] gradients, bool[] needs)
{
    /// <summary>The current backward step (the loss is 0).</summary>
    public int Step { get; set; }

    /// <summary>Whether a trainable parameter lies at or before each node, so that its gradient is needed.</summary>
    public bool[] Needs { get; } = needs;

    public NetworkPlan Plan { get; } = plan;

    public GraphSpec Graph { get; } = graph;

    public string Slot(int node) => Plan.NodeSlots[node];

    public int Width(int node) => (int)Graph.Nodes[node].Shape.Size;

    /// <summary>
    /// Gives <paramref name="node"/> the gradient in <paramref name="buffer"/>, which no one else owns: the node takes the
    /// buffer when it has none yet, else a line adds it to the node's.
    /// </summary>
    public void Contribute(int node, GradientBuffer buffer, List<string> lines)
    {
        if (!Needs[node])
        {
            return;
        }

        buffer.LastStep = System.Math.Max(buffer.LastStep, Step);
        if (gradients[node] is { } existing)
        {
            string target = Buffers.Act(existing.Constant, Width(node));
            lines.Add($"k.Axpby(1f, {target}, 1f, {Buffers.Act(buffer.Constant, Width(node))}, {target}, {Rows(Width(node))});");
            existing.LastStep = System.Math.Max(existing.LastStep, Step);
            return;
        }

        buffer.Gradients.Add("d" + Slot(node) + (buffer.Gradients.Count > 0 ? " in place" : ""));
        gradients[node] = buffer;
    }

    /// <summary>Passes the node being planned its own gradient, which it no longer needs (see <see cref="Contribute"/>).</summary>
    public void Pass(int node, GradientBuffer gradient, List<string> lines) => Contribute(node, gradient, lines);

    /// <summary>
    /// Where a kernel with an accumulate flag writes <paramref name="node"/>'s gradient: its buffer, added to, or a new one,
    /// overwritten.
    /// </summary>
    public (string Buffer, bool Accumulate) Target(int node)
    {
        if (gradients[node] is { } existing)
        {
            existing.LastStep = System.Math.Max(existing.LastStep, Step);
            return (Buffers.Act(existing.Constant, Width(node)), true);
        }

        var buffer = Plan.NewBuffer(Width(node), Step, "d" + Slot(node));
        gradients[node] = buffer;
        return (Buffers.Act(buffer.Constant, Width(node)), false);
    }

    /// <summary>A new buffer of this step for <paramref name="node"/>'s share, given to it afterwards with <see cref="Contribute"/>.</summary>
    public GradientBuffer Scratch(int node) => Plan.NewBuffer(Width(node), Step, "d" + Slot(node) + " share");

    /// <summary>"n * batch" rows of a per-sample count, or "batch".</summary>
    public static string Rows(long perSample) => perSample == 1 ? "batch" : Literals.Int((int)perSample) + " * batch";
}
