using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dense;

internal static partial class DenseLayer
{
    /// <summary>(B, F) -> (B, units); a multi-dimensional input needs a [Flatten] first.</summary>
    public static Shape? InferShape(DenseSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (input.Rank != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsFlatInputError, location, spec.Name, spec.Kind, input.WithBatch));
            return null;
        }

        return Shape.Vector(spec.Units);
    }

    /// <summary>Weight (units, inputs) and bias (units).</summary>
    public static long TrainableCount(DenseSpec spec, Shape input) => (input.Size * spec.Units) + spec.Units;

    /// <summary>A multiply and an add per weight, one add per bias, and the activation per output.</summary>
    public static long FlopsPerSample(DenseSpec spec, Shape input) =>
        (2 * input.Size * spec.Units) + spec.Units + ActivationFlops.PerSample(spec.Activation, spec.Units);
}
