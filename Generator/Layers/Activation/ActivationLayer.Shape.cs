using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Activation;

internal static partial class ActivationLayer
{
    /// <summary>Element-wise functions take any shape; a softmax normalises the features of a flat sample, so it needs (B, F).</summary>
    public static Shape? InferShape(ActivationSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (spec.Function == ActivationFunction.Softmax && input.Rank != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsFlatInputError, location, spec.Name, spec.Kind + "(Softmax)", input.WithBatch));
            return null;
        }

        return input;
    }

    public static long FlopsPerSample(ActivationSpec spec, Shape input) => ActivationFlops.PerSample(spec.Function, input.Size);
}
