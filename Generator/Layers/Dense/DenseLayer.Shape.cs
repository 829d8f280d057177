using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dense;

internal sealed partial class DenseLayer
{
    /// <summary>(B, F) -> (B, units); a multi-dimensional input needs a [Flatten] first.</summary>
    public override Shape? InferShape(LayerSpec layer, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var spec = (DenseSpec)layer;
        if (input.Rank != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsFlatInputError, location, spec.Name, spec.Kind, input.WithBatch));
            return null;
        }

        return Shape.Vector(spec.Units);
    }

    /// <summary>Weight (units, inputs) and bias (units).</summary>
    public override long TrainableCount(LayerSpec layer, Shape input) => (input.Size * ((DenseSpec)layer).Units) + ((DenseSpec)layer).Units;

    public override bool IsTrainable => true;

    public override ActivationFunction? OutputActivation(LayerSpec spec) => ((DenseSpec)spec).Activation;

    public override ActivationFunction FusableActivation(LayerSpec spec) => ((DenseSpec)spec).Activation;

    /// <summary>A ReLU dense layer's output is its ReLU's; the next layer may take over the ReLU's backward.</summary>
    public override bool EndsInRelu(LayerPlan layer) => ((DenseSpec)layer.Spec).Activation == ActivationFunction.ReLU && !layer.FusedIntoLoss;

    /// <summary>A multiply and an add per weight, one add per bias, and the activation per output.</summary>
    public override long FlopsPerSample(LayerSpec layer, Shape input) => layer is DenseSpec spec ? Flops(spec, input) : 0;

    private static long Flops(DenseSpec spec, Shape input) =>
        (2 * input.Size * spec.Units) + spec.Units + ActivationFlops.PerSample(spec.Activation, spec.Units);
}
