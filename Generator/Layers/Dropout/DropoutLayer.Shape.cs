using System.Collections.Generic;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dropout;

internal sealed partial class DropoutLayer
{
    /// <summary>Element-wise: any shape passes through unchanged (on feature maps each element is dropped alone, as Keras' Dropout does).</summary>
    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics) => input;

    /// <summary>The identity at inference.</summary>
    public override long FlopsPerSample(LayerSpec spec, Shape input) => 0;

    /// <summary>Transparent: the layer before gives the output its meaning.</summary>
    public override ActivationFunction? OutputActivation(LayerSpec spec) => null;

    public override bool IsIdentityAtInference => true;

    /// <summary>The mask, then the output.</summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        layer.MaskSlot = plan.AddSlot(layer.Id + "Mask", layer.OutputWidth, layer.Spec.Name, "mask " + layer.Output.WithBatch);
        layer.OutputSlot = plan.AddOutputSlot(layer, "");
    }

    /// <summary>After a layer that takes it (a batch norm over features), that layer runs the mask in its own kernels.</summary>
    public override void FuseWithPrevious(LayerPlan layer, LayerPlan previous)
    {
        if (previous.Kind.TakesDropout(previous))
        {
            previous.FusedDropout = layer;
            layer.RunByPrevious = true;
        }
    }

    /// <summary>dx = dy * mask in place.</summary>
    public override GradientBuffer PlanBackward(NetworkPlan plan, LayerPlan layer, GradientBuffer current, int step, string inputGradient) =>
        InPlace(layer, current, inputGradient);
}
