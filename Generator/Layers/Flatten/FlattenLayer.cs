using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.Flatten;

/// <summary>
/// The Flatten layer: (B, C, H, W) -> (B, C * H * W) in channels-first order (torch.flatten(x, 1)). A sample's floats
/// are already in that order, so the layer costs nothing: the next layer reads the same slot, and the gradient passes
/// through untouched. Only as the model's last layer does it copy, into the output slot.
/// </summary>
internal sealed class FlattenLayer : LayerKind
{
    public static FlattenLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.FlattenAttribute";

    public override string DefaultNamePrefix => "flatten";

    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        new FlattenSpec(AttributeArguments.NamedString(attribute, "Name") ?? defaultName);

    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        Shape.Vector((int)input.Size);

    public override long FlopsPerSample(LayerSpec spec, Shape input) => 0;

    public override ActivationFunction? OutputActivation(LayerSpec spec) => null;

    public override string Describe(LayerSpec spec) => "Flatten";

    /// <summary>The input's slot, read as (B, C * H * W); a slot of its own only as the model's output.</summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer) =>
        layer.OutputSlot = layer.IsLast ? plan.AddOutputSlot(layer, "") : layer.InputSlot;

    /// <summary>The gradient is the same floats under the input's shape: nothing to rename.</summary>
    public override GradientBuffer PlanBackward(NetworkPlan plan, LayerPlan layer, GradientBuffer current, int step, string inputGradient)
    {
        layer.InputGradient = current.Constant;
        return current;
    }

    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        if (layer.OutputSlot == layer.InputSlot)
        {
            writer.WriteLine($"// {layer.Spec.Name}: {Describe(layer.Spec)}  {layer.Input} -> {layer.Output}; the next layer reads the same floats");
            return;
        }

        writer.WriteLine($"// {layer.Spec.Name}: {Describe(layer.Spec)}  {layer.Input} -> {layer.Output}, copied into the output");
        writer.WriteLine($"k.Copy({Buffers.Act(layer.ForwardInput, layer.InputWidth)}, {Buffers.Act(layer.OutputSlot, layer.OutputWidth)});");
    }

    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer) =>
        writer.WriteLine($"// {layer.Spec.Name}: dx {layer.Input} is dy {layer.Output}, the same floats");

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        OnnxEmit.Node(writer, "Flatten", layer.Spec.Name, ["x"], OnnxEmit.Int("axis", 1));
    }
}
