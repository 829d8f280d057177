using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.Conv2D;

/// <summary>
/// The Conv2D layer: im2col patches and one GEMM over the batch against the (filters, channels, KH, KW) weight, then
/// bias and activation while the result is laid out channels first.
/// </summary>
internal sealed partial class Conv2DLayer : LayerKind
{
    public static Conv2DLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.Conv2DAttribute";

    public override string DefaultNamePrefix => "conv";

    /// <summary>Reads [Conv2D(filters, kernel)] or [Conv2D(filters, kernelHeight, kernelWidth)] with Stride, Padding, Activation and Name.</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        int filters = AttributeArguments.Int(attribute, 0, 0);
        int kernelHeight = AttributeArguments.Int(attribute, 1, 0);
        int kernelWidth = attribute.ConstructorArguments.Length > 2 ? AttributeArguments.Int(attribute, 2, 0) : kernelHeight;
        int stride = AttributeArguments.NamedInt(attribute, "Stride", 1);
        int padding = AttributeArguments.NamedEnum(attribute, "Padding") ?? 0;
        var activation = EnumReader.Activation(AttributeArguments.NamedEnum(attribute, "Activation") ?? 0, location, diagnostics);
        MapRules.Positive(name, "Conv2D", "filters", filters, location, diagnostics);
        MapRules.Positive(name, "Conv2D", kernelWidth == kernelHeight ? "kernel size" : "kernel height", kernelHeight, location, diagnostics);
        if (kernelWidth != kernelHeight)
        {
            MapRules.Positive(name, "Conv2D", "kernel width", kernelWidth, location, diagnostics);
        }

        MapRules.Positive(name, "Conv2D", "stride", stride, location, diagnostics);
        if (padding is not (0 or 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EnumValueUnknownError, location, "Padding", padding));
        }

        if (activation == ActivationFunction.Softmax)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationNotSupportedError, location, name, "Conv2D", "Softmax",
                "a softmax normalises a flat sample; end the maps with [Flatten] and a [Dense(classes, Activation.Softmax)]"));
        }

        return new Conv2DSpec(name, filters, kernelHeight, kernelWidth, stride, padding == 1, activation);
    }
}
