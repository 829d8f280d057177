using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Emit;

/// <summary>
/// The plan of a graph model: every node of the compiled body gets a forward slot (a reshape shares its argument's),
/// every layer call a <see cref="LayerPlan"/> (a shared layer's calls share its parameters), and the backward pass is
/// derived in reverse node order: each node's gradient buffer is written by its first consumer and added to by the
/// others, passed on without a copy where the node's gradient is its argument's (a sum, a reshape, a scaling), and
/// placed first-fit by lifetime like a sequential model's.
/// </summary>
internal sealed partial class NetworkPlan
{
    /// <summary>For a graph model, each input's slot constant, in declaration order.</summary>
    public List<string> InputSlots { get; } = [];

    /// <summary>For a graph model, each node's forward slot.</summary>
    public string[] NodeSlots { get; private set; } = [];

    /// <summary>For a graph model, the line that merges two operands' masks for a node, where it has one.</summary>
    public Dictionary<int, string> MaskLines { get; } = [];

    /// <summary>For a graph model, a node's scratch slot where it has one (a softmax over an axis that is not the last).</summary>
    public Dictionary<int, string> NodeScratch { get; } = [];

    /// <summary>For a graph model, each node's (B, T) padding mask slot, or null.</summary>
    public string?[] NodeMasks { get; private set; } = [];

    /// <summary>For a graph model, each layer call's plan (null for other nodes).</summary>
    public LayerPlan?[] NodeLayers { get; private set; } = [];

    /// <summary>For a graph model, the backward steps in order: a layer's own backward, then lines of plain kernel calls.</summary>
    public List<GraphBackwardStep> BackwardSteps { get; } = [];

    /// <summary>For a graph model, each node's forward comment and lines (empty for inputs and layer calls).</summary>
    public List<string>[] ForwardLines { get; private set; } = [];

    public static NetworkPlan BuildGraph(NetworkSpec network)
    {
        var plan = new NetworkPlan(network);
        var graph = network.Graph!;
        plan.PlaceGraphLayers(graph);
        plan.PlaceParameters();
        plan.PlaceGraphActivations(graph);
        plan.PlanGraphGradients(graph);
        return plan;
    }

    private void PlaceGraphLayers(GraphSpec graph)
    {
        var output = graph.Nodes[graph.Output];
        var last = output.Op == GraphOp.Layer ? new[] { graph.Layers[output.Layer] } : [];
        Fused = OutputAnalysis.IsFused(Network.Loss, last);
        OutputActivation = OutputAnalysis.OutputActivation(last);
        NodeLayers = new LayerPlan?[graph.Nodes.Count];
        var used = new HashSet<string>();
        var ids = new string[graph.Layers.Count];
        for (int i = 0; i < graph.Layers.Count; i++)
        {
            string id = string.Concat(graph.Layers[i].Name.Split('.', '_').Where(part => part.Length > 0).Select(part => char.ToUpperInvariant(part[0]) + part.Substring(1)));
            if (!used.Add(id))
            {
                id += "_" + Literals.Int(i);
                used.Add(id);
            }

            ids[i] = id;
        }

        var calls = new int[graph.Layers.Count];
        var firstPlans = new LayerPlan[graph.Layers.Count];
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            var node = graph.Nodes[n];
            if (node.Op != GraphOp.Layer)
            {
                continue;
            }

            // A shared layer's later calls get an id of their own (Shared + Call2), so that every slot a kind names
            // after its id is the call's own; their parameter constants are aliases of the first call's.
            int call = ++calls[node.Layer];
            string id = call == 1 ? ids[node.Layer] : ids[node.Layer] + "Call" + Literals.Int(call);
            var input = graph.Nodes[node.Arguments[0]].Shape;
            var layer = new LayerPlan(graph.Layers[node.Layer], node.Layer, id, input, node.Shape) { IsLast = n == graph.Output };
            NodeLayers[n] = layer;
            if (call == 1)
            {
                // The summary, the parameters and the layout list each layer once, at its first call.
                firstPlans[node.Layer] = layer;
                Layers.Add(layer);
            }
            else
            {
                var first = firstPlans[node.Layer];
                foreach (var parameter in first.Kind.Parameters(first))
                {
                    string alias = id + parameter.Constant.Substring(first.Id.Length);
                    ParameterAliases.Add((alias, parameter.Constant, $"{layer.Spec.Name}'s call {call} reads {parameter.Name}"));
                }
            }
        }
    }

    /// <summary>For a graph model, the parameter constants of shared layers' later calls: (alias, constant, comment).</summary>
    public List<(string Alias, string Constant, string Comment)> ParameterAliases { get; } = [];

    /// <summary>
    /// The graph's tensors a caller may read once inference stops after their step (CompiledModel.PredictTensor),
    /// named as the summary names its rows: each layer instance's first call by the layer's name, each operation by
    /// its unit label or its op and node number. Layers that are the identity at inference (dropouts) write nothing
    /// then, so they are left out.
    /// </summary>
    public List<(string Name, string Kind, int Node, string Slot, Shape Shape)> ReadableTensors(GraphSpec graph)
    {
        var tensors = new List<(string, string, int, string, Shape)>();
        var seen = new HashSet<int>();
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            var node = graph.Nodes[n];
            if (node.Op == GraphOp.Input)
            {
                continue;
            }

            if (NodeLayers[n] is { } layer)
            {
                if (seen.Add(node.Layer) && !layer.Kind.IsIdentityAtInference)
                {
                    tensors.Add((layer.Spec.Name, layer.Spec.Kind, n, NodeSlots[n], node.Shape));
                }

                continue;
            }

            tensors.Add((OperationName(node, n), node.Op.ToString(), n, NodeSlots[n], node.Shape));
        }

        return tensors;
    }

    /// <summary>An operation's name in the summary and for PredictTensor: its unit label, else its op and node number (softmax5).</summary>
    public static string OperationName(GraphNode node, int n) =>
        node.Label.Length > 0 ? node.Label : node.Op.ToString().ToLowerInvariant() + Literals.Int(n);

    private void PlaceGraphActivations(GraphSpec graph)
    {
        int count = graph.Nodes.Count;
        NodeSlots = new string[count];
        NodeMasks = new string?[count];
        ForwardLines = new List<string>[count];
        for (int i = 0; i < graph.Inputs.Count; i++)
        {
            var input = graph.Inputs[i];
            string ids = input.TokenVocabulary > 0 ? $" token ids in [0, {input.TokenVocabulary})" : "";
            InputSlots.Add(AddSlot(i == 0 ? "InputSlot" : Literals.Pascal(input.Name) + "Slot", (int)input.Shape.Size, input.Name, input.Shape.WithBatch + ids));
        }

        AddSlot("TargetSlot", TargetWidth, "target", TargetWidth == OutputWidth ? Network.OutputShape.WithBatch : "(B, 1) class indices");
        AddSlot("SampleWeightSlot", 1, "weights", "(B, 1) per-row loss weights, read when the step is weighted");
        for (int n = 0; n < count; n++)
        {
            var node = graph.Nodes[n];
            ForwardLines[n] = [];
            bool isOutput = n == graph.Output;
            string? firstMask = node.Arguments.Count > 0 ? NodeMasks[node.Arguments[0]] : null;
            switch (node.Op)
            {
                case GraphOp.Input:
                    NodeSlots[n] = InputSlots[node.Ints[0]];
                    break;
                case GraphOp.Layer:
                    var layer = NodeLayers[n]!;
                    layer.InputSlot = NodeSlots[node.Arguments[0]];
                    layer.InferenceInputSlot = layer.InputSlot;
                    layer.SequenceMask = firstMask;
                    for (int a = 1; a < node.Arguments.Count; a++)
                    {
                        int argument = node.Arguments[a];
                        layer.ExtraInputs.Add(new ExtraInput(graph.Nodes[argument].Shape, NodeSlots[argument], NodeMasks[argument]));
                    }

                    layer.Kind.PlaceForward(this, layer);
                    NodeSlots[n] = layer.OutputSlot;
                    NodeMasks[n] = layer.Kind.MaskAfter(layer, firstMask);
                    break;
                case GraphOp.Reshape when !isOutput:
                    NodeSlots[n] = NodeSlots[node.Arguments[0]];
                    NodeMasks[n] = node.Shape.Rank >= 1 && graph.Nodes[node.Arguments[0]].Shape.Rank >= 1
                        && node.Shape.Dimensions[0] == graph.Nodes[node.Arguments[0]].Shape.Dimensions[0] ? firstMask : null;
                    break;
                default:
                    string name = isOutput ? "OutputSlot" : node.Op + Literals.Int(n) + "Out";
                    NodeSlots[n] = AddSlot(name, (int)node.Shape.Size, isOutput ? "output" : node.Op.ToString().ToLowerInvariant() + Literals.Int(n), node.Shape.WithBatch + " " + node.Text);
                    if (node.Op == GraphOp.Softmax && node.Ints[0] != node.Shape.Rank - 1)
                    {
                        // A softmax over another axis works on a copy with that axis last, kept for the backward pass.
                        NodeScratch[n] = AddSlot(node.Op + Literals.Int(n) + "Moved", (int)node.Shape.Size, "softmax" + Literals.Int(n), "with the softmax axis last");
                    }

                    NodeMasks[n] = node.Op switch
                    {
                        GraphOp.Add or GraphOp.Subtract or GraphOp.Multiply => MergedMask(graph, n, firstMask, NodeMasks[node.Arguments[1]]),
                        GraphOp.Scale or GraphOp.Softmax or GraphOp.Reshape => firstMask,
                        _ => null,
                    };
                    break;
            }

            if (node.Op is not GraphOp.Input and not GraphOp.Layer)
            {
                GraphOps.Forward(this, graph, n, ForwardLines[n]);
                if (MaskLines.TryGetValue(n, out string? merge))
                {
                    ForwardLines[n].Add(merge);
                }
            }
        }

        ActivationsPerSample = _activationOffset;
    }

    /// <summary>
    /// The mask of an element-wise sum, difference or product, as Keras' merge layers compute it: a step is kept where
    /// both operands keep it (their masks multiplied into a slot of the node's own, the first line of its forward), or
    /// the one operand's mask when only one has one.
    /// </summary>
    private string? MergedMask(GraphSpec graph, int n, string? first, string? second)
    {
        if (first is null || second is null || first == second)
        {
            return first ?? second;
        }

        int steps = graph.Nodes[n].Shape.Dimensions[0];
        string merged = AddSlot(graph.Nodes[n].Op + Literals.Int(n) + "Mask", steps, "mask" + Literals.Int(n), $"(B, {steps}) both operands' masks");
        MaskLines[n] = $"k.Multiply({Buffers.Act(first, steps)}, {Buffers.Act(second, steps)}, {Buffers.Act(merged, steps)}, {GraphGradients.Rows(steps)}, false);";
        return merged;
    }

    private void PlanGraphGradients(GraphSpec graph)
    {
        int count = graph.Nodes.Count;
        var needs = new bool[count];
        for (int n = 0; n < count; n++)
        {
            var node = graph.Nodes[n];
            needs[n] = (node.Op == GraphOp.Layer && graph.Layers[node.Layer].Layer.IsTrainable) || node.Arguments.Any(argument => needs[argument]);
        }

        var gradients = new GradientBuffer?[count];
        gradients[graph.Output] = NewBuffer(OutputWidth, 0, Fused ? "dLogits" : "dOutput");
        var context = new GraphGradients(this, graph, gradients, needs);
        for (int n = count - 1; n >= 0; n--)
        {
            var node = graph.Nodes[n];
            if (gradients[n] is not { } gradient || !needs[n] || node.Op == GraphOp.Input)
            {
                continue;
            }

            context.Step++;
            gradient.LastStep = context.Step;
            var step = new GraphBackwardStep(n);
            BackwardSteps.Add(step);
            if (node.Op == GraphOp.Layer)
            {
                PlanLayerBackward(context, node, n, gradient, step);
            }
            else
            {
                GraphOps.Backward(context, n, gradient, step.Lines);
            }
        }

        PlaceGradientsFirstFit();
    }

    private void PlanLayerBackward(GraphGradients context, GraphNode node, int n, GradientBuffer gradient, GraphBackwardStep step)
    {
        var layer = NodeLayers[n]!;
        int first = node.Arguments[0];
        if (!layer.Kind.RunsBackward(layer))
        {
            // A final activation fused into the loss: the loss already gave its input's gradient.
            context.Pass(first, gradient, step.Lines);
            return;
        }

        step.Layer = layer;
        layer.RunsBackward = true;
        layer.NeedsInputGradient = context.Needs[first];
        layer.OutputGradient = gradient.Constant;
        layer.ReceivesLogitGradient = Fused && gradient == GradientBuffers[0];
        var returned = layer.Kind.PlanBackward(this, layer, gradient, context.Step, GradientName(layer.InputSlot));
        for (int a = 1; a < node.Arguments.Count; a++)
        {
            int argument = node.Arguments[a];
            if (context.Needs[argument])
            {
                var buffer = NewBuffer(layer.ExtraInputs[a - 1].Width, context.Step, "d" + NodeSlots[argument]);
                layer.ExtraInputs[a - 1].Gradient = buffer.Constant;
                context.Contribute(argument, buffer, step.After);
            }
        }

        if (layer.NeedsInputGradient)
        {
            context.Contribute(first, returned, step.After);
        }
    }
}

/// <summary>One node's backward: the layer whose own backward runs (null for other nodes), then plain lines.</summary>
internal sealed class GraphBackwardStep(int node)
{
    public int Node { get; } = node;

    public LayerPlan? Layer { get; set; }

    /// <summary>The node's own lines (for nodes that are not layers), first a comment.</summary>
    public List<string> Lines { get; } = [];

    /// <summary>Lines after the layer's backward: gradients added into buffers that already hold some.</summary>
    public List<string> After { get; } = [];
}
