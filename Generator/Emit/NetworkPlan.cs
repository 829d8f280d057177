using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Emit;

/// <summary>
/// The static memory plan of a validated network, following ModelGen.ModelLayout:
/// [trainable P | state S | gradients P | optimizer slots 1 to 3, P each | scratch | activations A * capacity].
/// Forward activations each get their own per-sample slot; gradient buffers share space by lifetime (first fit).
/// </summary>
internal sealed partial class NetworkPlan
{
    private NetworkPlan(NetworkSpec network) => Network = network;

    public NetworkSpec Network { get; }

    public List<LayerPlan> Layers { get; } = [];

    public List<PlannedParameter> Parameters { get; } = [];

    /// <summary>BatchNorm saved statistics, after the loss, metric and check slots.</summary>
    public List<PlannedConstant> Scratch { get; } = [];

    /// <summary>Forward activation slots in order, each with its label and description for the comment.</summary>
    public List<(PlannedConstant Slot, string Label, string Description)> ForwardSlots { get; } = [];

    public List<GradientBuffer> GradientBuffers { get; } = [];

    public bool Fused { get; private set; }

    public ActivationFunction OutputActivation { get; private set; }

    /// <summary>The slot the loss reads: the logits when fused, else OutputSlot.</summary>
    public string LossInputSlot { get; set; } = "OutputSlot";

    /// <summary>The gradient slot the loss writes.</summary>
    public string LossGradientSlot => GradientBuffers[0].Constant;

    public int TrainableCount { get; private set; }

    public int StateCount { get; private set; }

    public int GradientBase => TrainableCount + StateCount;

    public int OptimizerSlot1 => GradientBase + TrainableCount;

    public int OptimizerSlot2 => OptimizerSlot1 + TrainableCount;

    /// <summary>The third optimizer slot: AMSGrad's running maximum, centred RMSprop's average gradient.</summary>
    public int OptimizerSlot3 => OptimizerSlot2 + TrainableCount;

    public int LossSlot => OptimizerSlot3 + TrainableCount;

    public int MetricSlot => LossSlot + 1;

    public int CheckSlot => LossSlot + 2;

    public int ActivationBase { get; private set; }

    public int ActivationsPerSample { get; private set; }

    public int InputWidth => (int)Network.InputShape.Size;

    public int OutputWidth => (int)Network.OutputShape.Size;

    public int TargetWidth => Network.Loss == LossFunction.SparseCategoricalCrossEntropy ? 1 : OutputWidth;

    public static NetworkPlan Build(NetworkSpec network)
    {
        var plan = new NetworkPlan(network);
        plan.PlaceLayers();
        plan.PlaceParameters();
        plan.PlaceActivations();
        for (int i = 1; i < plan.Layers.Count; i++)
        {
            plan.Layers[i].Kind.FuseWithPrevious(plan.Layers[i], plan.Layers[i - 1]);
        }

        plan.PlanGradients();
        return plan;
    }

    private void PlaceLayers()
    {
        var specs = Network.Layers.ToList();
        Fused = OutputAnalysis.IsFused(Network.Loss, specs);
        OutputActivation = OutputAnalysis.OutputActivation(specs);
        var used = new HashSet<string>();
        for (int i = 0; i < specs.Count; i++)
        {
            string id = Literals.Pascal(specs[i].Name);
            if (!used.Add(id))
            {
                // Names are unique, but dense0 and Dense0 meet as constants: the index keeps them apart.
                id += "_" + Literals.Int(i);
                used.Add(id);
            }

            Layers.Add(new LayerPlan(specs[i], i, id, Network.InputShapeOf(i), Network.OutputShapes[i]) { IsLast = i == specs.Count - 1 });
        }
    }

    /// <summary>A trainable tensor with the factors its layer's regularisers give its role (kernel, recurrent or bias).</summary>
    private static PlannedParameter Regularized(PlannedParameter parameter, Regularization regularization)
    {
        if (!parameter.Trainable || regularization == Regularization.None)
        {
            return parameter;
        }

        var (l1, l2) = regularization.For(parameter.Name);
        return parameter with { L1 = l1, L2 = l2 };
    }

    private void PlaceParameters()
    {
        var all = Layers.SelectMany(layer => layer.Kind.Parameters(layer).Select(parameter => Regularized(parameter, layer.Spec.Regularization))).ToList();

        // Trainable tensors first, in layer order, then the non-trainable state: the optimizer sees one contiguous range.
        int offset = 0;
        foreach (var parameter in all.Where(p => p.Trainable).Concat(all.Where(p => !p.Trainable)))
        {
            Parameters.Add(parameter with { Offset = offset });
            offset += parameter.Length;
        }

        TrainableCount = Parameters.Where(p => p.Trainable).Sum(p => p.Length);
        StateCount = offset - TrainableCount;

        int scratch = CheckSlot + 1;
        foreach (var layer in Layers)
        {
            foreach (var (name, length, comment) in layer.Kind.FixedScratch(layer))
            {
                Scratch.Add(new PlannedConstant(name, scratch, comment));
                scratch += length;
            }
        }

        ActivationBase = scratch;
    }

    /// <summary>Adds a per-sample slot of <paramref name="width"/> floats after the ones placed so far; returns its name.</summary>
    public string AddSlot(string name, int width, string label, string description)
    {
        // In a graph a layer's name and a node's may meet (a layer named add3 and the sum at node 3): the later slot gets
        // a suffix. (A shared layer's later calls have ids of their own, so their slots never meet.)
        string unique = name;
        for (int call = 2; ForwardSlots.Exists(slot => slot.Slot.Name == unique); call++)
        {
            unique = name + "_" + Literals.Int(call);
        }

        name = unique;
        ForwardSlots.Add((new PlannedConstant(name, _activationOffset, ""), label, description));
        _activationOffset += width;
        return name;
    }

    /// <summary>
    /// Adds the layer's output slot: OutputSlot for the last layer, else Id + Out; <paramref name="after"/> ends its
    /// description (" after ReLU").
    /// </summary>
    public string AddOutputSlot(LayerPlan layer, string after)
    {
        string name = layer.IsLast ? "OutputSlot" : layer.Id + "Out";
        string label = layer.IsLast ? "output" : layer.Spec.Name;
        string from = layer.IsLast ? " from " + layer.Spec.Name : "";
        return AddSlot(name, layer.OutputWidth, label, layer.Output.WithBatch + from + after);
    }

    private int _activationOffset;

    private void PlaceActivations()
    {
        AddSlot("InputSlot", InputWidth, "x", Network.InputShape.WithBatch);
        AddSlot("TargetSlot", TargetWidth, "target", TargetWidth == OutputWidth ? Network.OutputShape.WithBatch : "(B, 1) class indices");
        AddSlot("SampleWeightSlot", 1, "weights", "(B, 1) per-row loss weights, read when the step is weighted");

        string previous = "InputSlot";
        string? mask = null;
        foreach (var layer in Layers)
        {
            layer.InputSlot = previous;
            layer.SequenceMask = mask;
            layer.Kind.PlaceForward(this, layer);
            previous = layer.OutputSlot;
            mask = layer.Kind.MaskAfter(layer, mask);
        }

        // At inference a dropout is the identity: rather than copy, the next layer reads the dropout's input. Not
        // where the dropout's output is read outside Forward (the output slot, or the loss's input). A layer that
        // aliases its input (a flatten) passes on whatever its input is at inference.
        string inference = "InputSlot";
        foreach (var layer in Layers)
        {
            layer.InferenceInputSlot = inference;
            layer.SkippedAtInference = layer.Kind.IsIdentityAtInference && layer.OutputSlot != "OutputSlot" && layer.OutputSlot != LossInputSlot;
            inference = layer.SkippedAtInference || layer.OutputSlot == layer.InputSlot ? inference : layer.OutputSlot;
        }

        ActivationsPerSample = _activationOffset;
    }

    private void PlanGradients()
    {
        int step = 0;
        var current = NewBuffer(OutputWidth, step, Fused ? "dLogits" : "dOutput");
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            var layer = Layers[i];
            bool trainableHere = layer.Kind.IsTrainable;
            bool trainableBefore = Layers.Take(i).Any(other => other.Kind.IsTrainable);
            if (!trainableHere && !trainableBefore)
            {
                // Nothing at or below this layer learns: the rest of the chain needs no gradient.
                break;
            }

            if (!layer.Kind.RunsBackward(layer))
            {
                continue;
            }

            step++;
            layer.RunsBackward = true;
            layer.NeedsInputGradient = trainableBefore;
            layer.OutputGradient = current.Constant;
            layer.ReceivesLogitGradient = Fused && current == GradientBuffers[0];
            current.LastStep = step;
            current = layer.Kind.PlanBackward(this, layer, current, step, GradientName(layer.InputSlot));
        }

        PlaceGradientsFirstFit();
    }

    /// <summary>A new gradient buffer of <paramref name="width"/> floats per sample, first live at backward step <paramref name="step"/>.</summary>
    public GradientBuffer NewBuffer(int width, int step, string gradient)
    {
        var buffer = new GradientBuffer("GradSlot" + Literals.Int(GradientBuffers.Count), width, step, gradient);
        GradientBuffers.Add(buffer);
        return buffer;
    }

    private void PlaceGradientsFirstFit()
    {
        // Lowest offset that overlaps no placed buffer whose lifetime meets this one's; candidates are 0 and
        // the end of each such buffer.
        int end = 0;
        for (int i = 0; i < GradientBuffers.Count; i++)
        {
            var buffer = GradientBuffers[i];
            var live = GradientBuffers.Take(i).Where(buffer.LivesWith).ToList();
            var candidates = new[] { 0 }.Concat(live.Select(other => other.Offset + other.Width)).OrderBy(offset => offset);
            buffer.Offset = candidates.First(offset => live.All(other => offset + buffer.Width <= other.Offset || other.Offset + other.Width <= offset));
            end = System.Math.Max(end, buffer.Offset + buffer.Width);
        }

        foreach (var buffer in GradientBuffers)
        {
            buffer.Offset += ActivationsPerSample;
        }

        ActivationsPerSample += end;
    }

    private static string GradientName(string slot) => slot switch
    {
        "InputSlot" => "dInput",
        "OutputSlot" => "dOutput",
        _ when slot.EndsWith("Logits", System.StringComparison.Ordinal) => "dLogits",
        _ => "d" + slot,
    };
}
