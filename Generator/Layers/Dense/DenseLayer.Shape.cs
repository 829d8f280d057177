using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dense;

internal sealed partial class DenseLayer
{
    /// <summary>
    /// (B, F) -> (B, units); on a sequence (B, T, F) -> (B, T, units), the same weights at every step (Keras' Dense on
    /// the last axis). Feature maps need a [Flatten] first.
    /// </summary>
    public override Shape? InferShape(LayerSpec layer, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var spec = (DenseSpec)layer;
        if (input.Rank > 2)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsFlatInputError, location, spec.Name, spec.Kind, input.WithBatch));
            return null;
        }

        return input.Rank == 2 ? new Shape(EquatableArray.From(new[] { input.Dimensions[0], spec.Units })) : Shape.Vector(spec.Units);
    }

    /// <summary>Weight (units, inputs) and bias (units), inputs being the last axis.</summary>
    public override long TrainableCount(LayerSpec layer, Shape input) => (Inputs(input) * ((DenseSpec)layer).Units) + ((DenseSpec)layer).Units;

    /// <summary>Features per row: the last axis (a sequence's rows are its steps).</summary>
    private static long Inputs(Shape input) => input.Dimensions[input.Rank - 1];

    /// <summary>Rows per sample: the steps of a sequence, else 1.</summary>
    private static long Steps(Shape input) => input.Rank == 2 ? input.Dimensions[0] : 1;

    public override bool IsTrainable => true;

    /// <summary>The layer's activation; GELU's output is unbounded and signed, so the loss rules read it as Linear.</summary>
    public override ActivationFunction? OutputActivation(LayerSpec spec) => LossView(((DenseSpec)spec).Activation);

    public override ActivationFunction FusableActivation(LayerSpec spec) => LossView(((DenseSpec)spec).Activation);

    /// <summary>The activation as the loss rules and the layout see it: Gelu (no ActivationKind) as Linear.</summary>
    private static ActivationFunction LossView(ActivationFunction activation) =>
        activation == ActivationFunction.Gelu ? ActivationFunction.Linear : activation;

    /// <summary>A ReLU dense layer's output is its ReLU's; the next layer may take over the ReLU's backward.</summary>
    public override bool EndsInRelu(LayerPlan layer) => ((DenseSpec)layer.Spec).Activation == ActivationFunction.ReLU && !layer.FusedIntoLoss;

    /// <summary>A multiply and an add per weight, one add per bias, and the activation per output.</summary>
    public override long FlopsPerSample(LayerSpec layer, Shape input) => layer is DenseSpec spec ? Flops(spec, input) : 0;

    private static long Flops(DenseSpec spec, Shape input) =>
        Steps(input) * ((2 * Inputs(input) * spec.Units) + spec.Units + ActivationFlops.PerSample(spec.Activation, spec.Units));
}
