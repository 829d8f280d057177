using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Layers.Activation;
using ModelGen.Generator.Layers.BatchNorm;
using ModelGen.Generator.Layers.Dense;
using ModelGen.Generator.Layers.Dropout;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Emit;

/// <summary>
/// The static memory plan of a validated network, following ModelGen.ModelLayout:
/// [trainable P | state S | gradients P | optimizer slot 1 P | slot 2 P | scratch | activations A * capacity].
/// Forward activations each get their own per-sample slot; gradient buffers share space by lifetime (first fit).
/// </summary>
internal sealed class NetworkPlan
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
    public string LossInputSlot { get; private set; } = "OutputSlot";

    /// <summary>The gradient slot the loss writes.</summary>
    public string LossGradientSlot => GradientBuffers[0].Constant;

    public int TrainableCount { get; private set; }

    public int StateCount { get; private set; }

    public int GradientBase => TrainableCount + StateCount;

    public int OptimizerSlot1 => GradientBase + TrainableCount;

    public int OptimizerSlot2 => OptimizerSlot1 + TrainableCount;

    public int LossSlot => OptimizerSlot2 + TrainableCount;

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

            Layers.Add(new LayerPlan(specs[i], i, id, Network.InputShapeOf(i), Network.OutputShapes[i]));
        }
    }

    private void PlaceParameters()
    {
        var all = Layers.SelectMany(layer => layer.Spec switch
        {
            DenseSpec => DenseLayer.Parameters(layer),
            BatchNormSpec => BatchNormLayer.Parameters(layer),
            _ => [],
        }).ToList();

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
        foreach (var layer in Layers.Where(layer => layer.Spec is BatchNormSpec))
        {
            foreach (var constant in BatchNormLayer.Scratch(layer, scratch))
            {
                Scratch.Add(constant);
                scratch += layer.OutputWidth;
            }
        }

        ActivationBase = scratch;
    }

    private void PlaceActivations()
    {
        int offset = 0;
        string AddSlot(string name, int width, string label, string description)
        {
            ForwardSlots.Add((new PlannedConstant(name, offset, ""), label, description));
            offset += width;
            return name;
        }

        string shapeOf(Shape shape) => shape.WithBatch;
        AddSlot("InputSlot", InputWidth, "x", shapeOf(Network.InputShape));
        AddSlot("TargetSlot", TargetWidth, "target", TargetWidth == OutputWidth ? shapeOf(Network.OutputShape) : "(B, 1) class indices");

        string previous = "InputSlot";
        foreach (var layer in Layers)
        {
            bool last = layer.Index == Layers.Count - 1;
            layer.InputSlot = previous;
            string shape = shapeOf(layer.Output);
            string outputName = last ? "OutputSlot" : layer.Id + "Out";
            string outputLabel = last ? "output" : layer.Spec.Name;
            string from = last ? " from " + layer.Spec.Name : "";
            switch (layer.Spec)
            {
                case DenseSpec dense when last && Fused:
                    layer.LogitsSlot = AddSlot(layer.Id + "Logits", layer.OutputWidth, layer.Spec.Name, shape + " before " + Literals.ActivationProse(dense.Activation));
                    layer.OutputSlot = AddSlot("OutputSlot", layer.OutputWidth, "output", shape + " after " + Literals.ActivationProse(dense.Activation));
                    layer.FusedIntoLoss = true;
                    LossInputSlot = layer.LogitsSlot;
                    break;
                case DenseSpec dense:
                    string after = dense.Activation == ActivationFunction.Linear ? "" : " after " + Literals.ActivationProse(dense.Activation);
                    layer.OutputSlot = AddSlot(outputName, layer.OutputWidth, outputLabel, shape + from + after);
                    break;
                case DropoutSpec:
                    layer.MaskSlot = AddSlot(layer.Id + "Mask", layer.OutputWidth, layer.Spec.Name, "mask " + shape);
                    layer.OutputSlot = AddSlot(outputName, layer.OutputWidth, outputLabel, shape + from);
                    break;
                case ActivationSpec activation:
                    layer.OutputSlot = AddSlot(outputName, layer.OutputWidth, outputLabel, shape + from + " after " + Literals.ActivationProse(activation.Function));
                    if (last && Fused)
                    {
                        layer.FusedIntoLoss = true;
                        LossInputSlot = layer.InputSlot;
                    }

                    break;
                default:
                    layer.OutputSlot = AddSlot(outputName, layer.OutputWidth, outputLabel, shape + from);
                    break;
            }

            previous = layer.OutputSlot;
        }

        // At inference a dropout is the identity: rather than copy, the next layer reads the dropout's input. Not
        // where the dropout's output is read outside Forward (the output slot, or the loss's input).
        string inference = "InputSlot";
        foreach (var layer in Layers)
        {
            layer.InferenceInputSlot = inference;
            layer.SkippedAtInference = layer.Spec is DropoutSpec && layer.OutputSlot != "OutputSlot" && layer.OutputSlot != LossInputSlot;
            inference = layer.SkippedAtInference ? inference : layer.OutputSlot;
        }

        ActivationsPerSample = offset;
    }

    private void PlanGradients()
    {
        int step = 0;
        var current = NewBuffer(OutputWidth, step, Fused ? "dLogits" : "dOutput");
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            var layer = Layers[i];
            bool trainableHere = IsTrainable(layer.Spec);
            bool trainableBefore = Layers.Take(i).Any(other => IsTrainable(other.Spec));
            if (!trainableHere && !trainableBefore)
            {
                // Nothing at or below this layer learns: the rest of the chain needs no gradient.
                break;
            }

            if (layer.FusedIntoLoss && layer.Spec is ActivationSpec)
            {
                // The loss already gave the gradient of this activation's input.
                continue;
            }

            step++;
            layer.RunsBackward = true;
            layer.NeedsInputGradient = trainableBefore;
            layer.OutputGradient = current.Constant;
            layer.ReceivesLogitGradient = Fused && current == GradientBuffers[0];
            current.LastStep = step;
            string inputGradient = GradientName(layer.InputSlot);
            switch (layer.Spec)
            {
                case DropoutSpec or ActivationSpec:
                    current.Gradients.Add(inputGradient + " in place");
                    layer.InputGradient = current.Constant;
                    break;
                case DenseSpec when trainableBefore:
                    current = NewBuffer(layer.InputWidth, step, inputGradient);
                    layer.InputGradient = current.Constant;
                    break;
                case BatchNormSpec:
                    // The kernel always writes dx; when nothing below learns it goes to a buffer that dies at once.
                    var buffer = NewBuffer(layer.InputWidth, step, trainableBefore ? inputGradient : inputGradient + ", unused");
                    layer.InputGradient = buffer.Constant;
                    current = buffer;
                    break;
            }
        }

        PlaceGradientsFirstFit();
    }

    private GradientBuffer NewBuffer(int width, int step, string gradient)
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

    private static bool IsTrainable(LayerSpec spec) => spec is DenseSpec or BatchNormSpec;

    private static string GradientName(string slot) => slot switch
    {
        "InputSlot" => "dInput",
        "OutputSlot" => "dOutput",
        _ when slot.EndsWith("Logits", System.StringComparison.Ordinal) => "dLogits",
        _ => "d" + slot,
    };
}
