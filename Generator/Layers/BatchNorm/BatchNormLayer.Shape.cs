using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.BatchNorm;

internal static partial class BatchNormLayer
{
    /// <summary>(B, F) -> (B, F); the kernels normalise the features of a flat sample, so a multi-dimensional input needs a [Flatten] first.</summary>
    public static Shape? InferShape(BatchNormSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (input.Rank != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsFlatInputError, location, spec.Name, spec.Kind, input.WithBatch));
            return null;
        }

        return input;
    }

    /// <summary>Gamma and beta.</summary>
    public static long TrainableCount(Shape input) => 2 * input.Size;

    /// <summary>Running mean and variance.</summary>
    public static long StateCount(Shape input) => 2 * input.Size;

    /// <summary>At inference: subtract the mean, scale by the inverse deviation and gamma, add beta.</summary>
    public static long FlopsPerSample(Shape input) => 4 * input.Size;
}
