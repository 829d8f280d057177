using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.Masking;

/// <summary>
/// Keras' Masking layer: on a sequence (T, F) of floats, a step whose features all equal the mask value is padding.
/// It writes the (B, T) padding mask from the values and zeroes the padded steps (y = x * mask), and its mask, not
/// the one its input may carry, is the one the layers after it read (as Keras' Masking.compute_mask ignores the
/// incoming mask), exactly as an embedding's with MaskZero. No parameters; the backward pass routes dy to the kept
/// steps only, in place.
/// </summary>
internal sealed class MaskingLayer : LayerKind
{
    public static MaskingLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.MaskingAttribute";

    public override string DefaultNamePrefix => "masking";

    /// <summary>Reads [Masking], [Masking(maskValue)] and Name; every value is valid (a NaN one equals nothing, so it masks no step).</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        new MaskingSpec(AttributeArguments.NamedString(attribute, "Name") ?? defaultName, AttributeArguments.Double(attribute, 0, 0));

    /// <summary>(B, T, F) -> (B, T, F); anything else has no steps of features to mask.</summary>
    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (input.Rank != 2)
        {
            string fix = input.Rank == 1
                ? "masking marks the padded steps of a sequence of feature vectors; declare the input as [Input(steps, features)] (token ids take [Embedding(..., MaskZero = true)] instead)"
                : "masking marks the padded steps of a sequence, not pixels of feature maps; declare the input as [Input(steps, features)]";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsSequenceError, location, spec.Name, spec.Kind, input.WithBatch, fix));
            return null;
        }

        return input;
    }

    /// <summary>Per step, F compares (against the mask value) and F multiplies (by the step's mask): 2 T F.</summary>
    public override long FlopsPerSample(LayerSpec spec, Shape input) => 2 * input.Size;

    /// <summary>Transparent: the kept steps are the input's values, so the layer before gives the output its meaning.</summary>
    public override ActivationFunction? OutputActivation(LayerSpec spec) => null;

    public override string Describe(LayerSpec spec) => $"Masking({Value((MaskingSpec)spec)})";

    /// <summary>The padding mask (B, T), then the output.</summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        var spec = (MaskingSpec)layer.Spec;
        int steps = layer.Input.Dimensions[0];
        layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "Mask", steps, spec.Name, $"padding mask (B, {steps}): 1 where some feature is not {Value(spec)}"));
        layer.OutputSlot = plan.AddOutputSlot(layer, "");
    }

    /// <summary>The layer starts the mask its steps carry, whatever mask its input had.</summary>
    public override string? MaskAfter(LayerPlan layer, string? mask) => layer.ScratchSlots[0];

    /// <summary>dx = dy * mask in place, only when something below learns.</summary>
    public override GradientBuffer PlanBackward(NetworkPlan plan, LayerPlan layer, GradientBuffer current, int step, string inputGradient) =>
        layer.NeedsInputGradient ? InPlace(layer, current, inputGradient) : current;

    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (MaskingSpec)layer.Spec;
        int steps = layer.Input.Dimensions[0], features = layer.Input.Dimensions[1];
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}: the padding mask (a step whose features all equal {Value(spec)}), and those steps zeroed");
        writer.WriteLine($"k.Masking({Buffers.Act(layer.ForwardInput, layer.InputWidth)}, {Buffers.Act(layer.OutputSlot, layer.OutputWidth)}, {Buffers.Act(layer.ScratchSlots[0], steps)}, batch, {steps}, {features}, {Literals.FloatExpression(spec.MaskValue)});");
    }

    /// <summary>y = x * mask with the mask a step function of x: dx = dy * mask, in place.</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        if (!layer.NeedsInputGradient)
        {
            return;
        }

        int steps = layer.Input.Dimensions[0], features = layer.Input.Dimensions[1];
        string dy = Buffers.Act(layer.OutputGradient!, layer.OutputWidth);
        writer.WriteLine($"// {layer.Spec.Name}: dx {layer.Input} = dy * mask (0 at the padded steps), in place");
        writer.WriteLine($"k.MaskingBackward({dy}, {Buffers.Act(layer.ScratchSlots[0], steps)}, {dy}, batch, {steps}, {features});");
    }

    /// <summary>The mask value as the summary and comments show it: 0, 0.5, -1, NaN.</summary>
    private static string Value(MaskingSpec spec) => Literals.Float(spec.MaskValue).TrimEnd('f');


    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // A step is kept when any feature differs from the mask value: (B, T, 1) of 0 and 1, the input times it, and the
        // (B, T) mask for the layers after it.
        var spec = (MaskingSpec)layer.Spec;
        string name = spec.Name;
        int steps = layer.Input.Dimensions[0];
        writer.WriteLine($"string {layer.Id}Kept = g.Node(\"ReduceMax\", {Literals.String(name + ".kept")}, [g.Node(\"Cast\", {Literals.String(name + ".differs")}, [g.Node(\"Not\", {Literals.String(name + ".not_equal")}, [g.Node(\"Equal\", {Literals.String(name + ".equal")}, [x, {OnnxEmit.Scalar(name + ".value", spec.MaskValue)}])])], {OnnxEmit.Int("to", 1)})], {OnnxEmit.Ints("axes", -1)}, {OnnxEmit.Int("keepdims", 1)});");
        OnnxEmit.SetMask(writer, layer.ScratchSlots[0], "Reshape", name + ".mask", [$"{layer.Id}Kept", OnnxEmit.Int64s(name + ".mask_shape", 0, steps)]);
        OnnxEmit.Node(writer, "Mul", name, ["x", $"{layer.Id}Kept"]);
    }
}
