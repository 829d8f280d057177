using System.Collections.Generic;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Conv2D;

internal sealed partial class Conv2DLayer
{
    /// <summary>
    /// (B, C, H, W) -> (B, F, OH, OW). Valid: OH = (H - KH) / S + 1, the kernel must fit the input. Same (Keras):
    /// OH = ceil(H / S), padded by max((OH - 1) S + KH - H, 0) rows, the odd one at the bottom; likewise the width.
    /// </summary>
    public override Shape? InferShape(LayerSpec layer, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var spec = (Conv2DSpec)layer;
        if (!MapRules.IsMap(spec, input, location, diagnostics))
        {
            return null;
        }

        var (_, height, width) = MapRules.Dimensions(input);
        if (!spec.SamePadding && !MapRules.WindowFits(spec, input, spec.KernelHeight, spec.KernelWidth, height, width,
            ", or Padding = Padding.Same, or fewer pooling layers before it", location, diagnostics))
        {
            return null;
        }

        var g = Geometry(spec, input);
        return new Shape(EquatableArray.From(new[] { spec.Filters, g.OutHeight, g.OutWidth }));
    }

    /// <summary>Weight (F, C, KH, KW) and bias (F).</summary>
    public override long TrainableCount(LayerSpec layer, Shape input)
    {
        var spec = (Conv2DSpec)layer;
        return ((long)spec.Filters * input.Dimensions[0] * spec.KernelHeight * spec.KernelWidth) + spec.Filters;
    }

    /// <summary>A multiply and an add per weight and output position, the bias and the activation per output.</summary>
    public override long FlopsPerSample(LayerSpec layer, Shape input)
    {
        var spec = (Conv2DSpec)layer;
        var g = Geometry(spec, input);
        long outputs = (long)spec.Filters * g.OutHeight * g.OutWidth;
        return (2L * g.PatchSize * outputs) + outputs + ActivationFlops.PerSample(spec.Activation, outputs);
    }

    public override bool IsTrainable => true;

    public override ActivationFunction? OutputActivation(LayerSpec spec) => ((Conv2DSpec)spec).Activation;

    public override bool EndsInRelu(LayerPlan layer) => ((Conv2DSpec)layer.Spec).Activation == ActivationFunction.ReLU;

    public override string Describe(LayerSpec layer)
    {
        var spec = (Conv2DSpec)layer;
        var parts = new List<string> { spec.Filters.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{spec.KernelHeight}x{spec.KernelWidth}" };
        if (spec.Stride != 1)
        {
            parts.Add($"stride {spec.Stride}");
        }

        if (spec.SamePadding)
        {
            parts.Add("same");
        }

        if (spec.Activation != ActivationFunction.Linear)
        {
            parts.Add(spec.Activation.ToString());
        }

        return $"Conv2D({string.Join(", ", parts)})";
    }

    /// <summary>The convolution's geometry on <paramref name="input"/> (C, H, W).</summary>
    internal static Conv2DGeometry Geometry(Conv2DSpec spec, Shape input)
    {
        var (channels, height, width) = MapRules.Dimensions(input);
        int s = spec.Stride;
        if (!spec.SamePadding)
        {
            return new Conv2DGeometry(channels, height, width, spec.Filters, spec.KernelHeight, spec.KernelWidth, s, 0, 0,
                ((height - spec.KernelHeight) / s) + 1, ((width - spec.KernelWidth) / s) + 1);
        }

        int outHeight = (height + s - 1) / s, outWidth = (width + s - 1) / s;
        int padHeight = System.Math.Max(((outHeight - 1) * s) + spec.KernelHeight - height, 0);
        int padWidth = System.Math.Max(((outWidth - 1) * s) + spec.KernelWidth - width, 0);
        return new Conv2DGeometry(channels, height, width, spec.Filters, spec.KernelHeight, spec.KernelWidth, s, padHeight / 2, padWidth / 2, outHeight, outWidth);
    }
}
