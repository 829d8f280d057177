using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.BatchNorm;

internal sealed partial class BatchNormLayer
{
    /// <summary>
    /// (B, F) -> (B, F), statistics per feature; (B, C, H, W) -> (B, C, H, W), statistics per channel over the batch
    /// and the map, as PyTorch's BatchNorm2d. Other ranks are refused (MG2001).
    /// </summary>
    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (input.Rank is not (1 or 3))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsFlatInputError, location, spec.Name, spec.Kind, input.WithBatch));
            return null;
        }

        return input;
    }

    /// <summary>Gamma and beta, one per feature or channel.</summary>
    public override long TrainableCount(LayerSpec spec, Shape input) => 2 * Channels(input);

    /// <summary>Running mean and variance.</summary>
    public override long StateCount(LayerSpec spec, Shape input) => 2 * Channels(input);

    /// <summary>At inference: subtract the mean, scale by the inverse deviation and gamma, add beta.</summary>
    public override long FlopsPerSample(LayerSpec spec, Shape input) => 4 * input.Size;

    public override bool IsTrainable => true;

    /// <summary>Over features (not maps), the dropout after it runs inside its training and backward kernels.</summary>
    public override bool TakesDropout(LayerPlan layer) => layer.Input.Rank == 1;

    /// <summary>
    /// Over features, after a layer that ends in a ReLU (its input is that ReLU's output), the backward kernel passes
    /// dx only where its input is positive, so the layer before skips its pass over the rows.
    /// </summary>
    public override void FuseWithPrevious(LayerPlan layer, LayerPlan previous)
    {
        if (layer.Input.Rank == 1 && previous.Kind.EndsInRelu(previous))
        {
            previous.ReluBackwardDoneByNext = true;
            layer.FusesPreviousRelu = true;
        }
    }

    /// <summary>The kernel always writes dx; when nothing below learns it goes to a buffer that dies at once.</summary>
    public override GradientBuffer PlanBackward(NetworkPlan plan, LayerPlan layer, GradientBuffer current, int step, string inputGradient)
    {
        var buffer = plan.NewBuffer(layer.InputWidth, step, layer.NeedsInputGradient ? inputGradient : inputGradient + ", unused");
        layer.InputGradient = buffer.Constant;
        return buffer;
    }

    /// <summary>The normalised groups: features of a flat sample, or channels of a map.</summary>
    private static int Channels(Shape input) => input.Rank == 3 ? input.Dimensions[0] : (int)input.Size;

    /// <summary>Positions per channel: 1 for a flat sample, H * W for a map.</summary>
    private static int Spatial(Shape input) => input.Rank == 3 ? input.Dimensions[1] * input.Dimensions[2] : 1;
}
