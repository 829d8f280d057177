using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.GlobalAvgPool2D;

/// <summary>The GlobalAvgPool2D layer: (B, C, H, W) -> (B, C), each channel's mean; the average-pooling kernels with one window of H x W.</summary>
internal sealed class GlobalAvgPool2DLayer : LayerKind
{
    public static GlobalAvgPool2DLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.GlobalAvgPool2DAttribute";

    public override string DefaultNamePrefix => "global_avg_pool";

    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        new GlobalAvgPool2DSpec(AttributeArguments.NamedString(attribute, "Name") ?? defaultName);

    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        MapRules.IsMap(spec, input, location, diagnostics) ? Shape.Vector(input.Dimensions[0]) : null;

    /// <summary>An add per input element.</summary>
    public override long FlopsPerSample(LayerSpec spec, Shape input) => input.Size;

    public override ActivationFunction? OutputActivation(LayerSpec spec) => null;

    public override string Describe(LayerSpec spec) => "GlobalAvgPool2D";

    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        writer.WriteLine($"// {layer.Spec.Name}: {Describe(layer.Spec)}  {layer.Input} -> {layer.Output}, one window over the whole map");
        writer.WriteLine($"k.AvgPool2DForward({Buffers.Act(layer.ForwardInput, layer.InputWidth)}, {Buffers.Act(layer.OutputSlot, layer.OutputWidth)}, batch, {Window(layer.Input)});");
    }

    /// <summary>dx = dy / (H W) at every position of its channel.</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        writer.WriteLine($"// {layer.Spec.Name}: dx {layer.Input} = dy / (H * W) over each channel's map");
        writer.WriteLine($"k.AvgPool2DBackward({Buffers.Act(layer.OutputGradient!, layer.OutputWidth)}, {Buffers.Act(layer.InputGradient!, layer.InputWidth)}, batch, {Window(layer.Input)});");
    }

    private static string Window(Shape input)
    {
        var (channels, height, width) = MapRules.Dimensions(input);
        return new Pool2DGeometry(channels, height, width, height, width, 1, 1, 1, 1).Literal;
    }

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // (B, C, H, W) -> (B, C, 1, 1) -> (B, C).
        OnnxEmit.Node(writer, "GlobalAveragePool", layer.Spec.Name + ".pool", ["x"]);
        OnnxEmit.Node(writer, "Flatten", layer.Spec.Name, ["x"], OnnxEmit.Int("axis", 1));
    }
}
