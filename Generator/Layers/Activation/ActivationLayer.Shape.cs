using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Activation;

internal sealed partial class ActivationLayer
{
    /// <summary>Element-wise functions take any shape; a softmax normalises the features of a flat sample, so it needs (B, F).</summary>
    public override Shape? InferShape(LayerSpec layer, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var spec = (ActivationSpec)layer;
        if (spec.Function == ActivationFunction.Softmax && input.Rank != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsFlatInputError, location, spec.Name, spec.Kind + "(Softmax)", input.WithBatch));
            return null;
        }

        return input;
    }

    public override long FlopsPerSample(LayerSpec spec, Shape input) => ActivationFlops.PerSample(((ActivationSpec)spec).Function, input.Size);

    public override ActivationFunction? OutputActivation(LayerSpec spec) => ((ActivationSpec)spec).Function;

    public override ActivationFunction FusableActivation(LayerSpec spec) => ((ActivationSpec)spec).Function;

    /// <summary>The output after the function; a final softmax or sigmoid fused into the loss leaves its input as the logits.</summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        layer.OutputSlot = plan.AddOutputSlot(layer, " after " + Literals.ActivationProse(((ActivationSpec)layer.Spec).Function));
        if (layer.IsLast && plan.Fused)
        {
            layer.FusedIntoLoss = true;
            plan.LossInputSlot = layer.InputSlot;
        }
    }

    public override bool EndsInRelu(LayerPlan layer) => ((ActivationSpec)layer.Spec).Function == ActivationFunction.ReLU && !layer.FusedIntoLoss;

    /// <summary>Fused into the loss, the activation has no backward step: the loss gave its input's gradient.</summary>
    public override bool RunsBackward(LayerPlan layer) => !layer.FusedIntoLoss;

    /// <summary>Through the function in place.</summary>
    public override GradientBuffer PlanBackward(NetworkPlan plan, LayerPlan layer, GradientBuffer current, int step, string inputGradient) =>
        InPlace(layer, current, inputGradient);
}
