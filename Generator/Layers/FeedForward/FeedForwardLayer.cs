using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.FeedForward;

/// <summary>
/// The FeedForward layer, a transformer's position-wise block: h = act(x linear1^T + b1), y = h linear2^T + b2, from the
/// last axis' width E to hidden and back, every step of a sequence a row of the same two GEMMs. The hidden activations
/// are kept for the backward pass (and GELU's input beside them: its derivative reads it); the hidden gradient has a
/// slot of its own.
/// </summary>
internal sealed class FeedForwardLayer : LayerKind
{
    public static FeedForwardLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.FeedForwardAttribute";

    public override string DefaultNamePrefix => "feed_forward";

    /// <summary>Reads [FeedForward(hidden, Activation = ..., Name = ...)]; ReLU by default, as PyTorch's.</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        int hidden = AttributeArguments.Int(attribute, 0, 0);
        var activation = AttributeArguments.NamedEnum(attribute, "Activation") is int value
            ? EnumReader.Activation(value, location, diagnostics, allowGelu: true)
            : ActivationFunction.ReLU;
        if (hidden < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, "FeedForward", hidden, "hidden units"));
        }

        if (activation == ActivationFunction.Softmax)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationNotSupportedError, location, name, "FeedForward", "Softmax",
                "its activation acts on each hidden unit alone; use ReLU, Gelu, Tanh, Sigmoid or Linear"));
        }

        double dropout = AttributeArguments.NamedDouble(attribute, "Dropout", 0);
        if (!(dropout >= 0 && dropout < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InnerDropoutOutOfRangeError, location, name, "FeedForward", dropout));
        }

        return new FeedForwardSpec(name, hidden, activation, (float)dropout);
    }

    /// <summary>(B, E) -> (B, E) or (B, T, E) -> (B, T, E); feature maps need a [Flatten] first.</summary>
    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (input.Rank > 2)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsFlatInputError, location, spec.Name, spec.Kind, input.WithBatch));
            return null;
        }

        return input;
    }

    public override bool IsTrainable => true;

    /// <summary>linear1 (hidden, E) and its bias, linear2 (E, hidden) and its bias.</summary>
    public override long TrainableCount(LayerSpec layer, Shape input)
    {
        long hidden = ((FeedForwardSpec)layer).Hidden;
        long width = Width(input);
        return (2 * hidden * width) + hidden + width;
    }

    /// <summary>Per row: both products (a multiply and an add per weight), both biases and the activation.</summary>
    public override long FlopsPerSample(LayerSpec layer, Shape input)
    {
        var spec = (FeedForwardSpec)layer;
        long width = Width(input);
        return Steps(input) * ((4 * width * spec.Hidden) + spec.Hidden + width + ActivationFlops.PerSample(spec.Activation, spec.Hidden));
    }

    public override string Describe(LayerSpec layer)
    {
        var spec = (FeedForwardSpec)layer;
        return spec.Dropout > 0 ? $"FeedForward({spec.Hidden}, {spec.Activation}, dropout {Literals.Float(spec.Dropout).TrimEnd('f')})" : $"FeedForward({spec.Hidden}, {spec.Activation})";
    }

    /// <summary>PyTorch's TransformerEncoderLayer names and layouts; Glorot-uniform weights (Keras' Dense fans), zero biases.</summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        int hidden = ((FeedForwardSpec)layer.Spec).Hidden;
        int width = Width(layer.Input);
        string name = layer.Spec.Name;
        yield return new PlannedParameter(layer.Id + "Linear1Weight", name + ".linear1.weight", 0, [hidden, width], true, "GlorotUniform", width, hidden, "");
        yield return new PlannedParameter(layer.Id + "Linear1Bias", name + ".linear1.bias", 0, [hidden], true, "Zeros", 0, 0, "");
        yield return new PlannedParameter(layer.Id + "Linear2Weight", name + ".linear2.weight", 0, [width, hidden], true, "GlorotUniform", hidden, width, "");
        yield return new PlannedParameter(layer.Id + "Linear2Bias", name + ".linear2.bias", 0, [width], true, "Zeros", 0, 0, "");
    }

    /// <summary>GELU's input (only for GELU), the hidden activations, the hidden gradient, then the output.</summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        var spec = (FeedForwardSpec)layer.Spec;
        int steps = Steps(layer.Input);
        int hidden = steps * spec.Hidden;
        string shape = steps == 1 ? $"(B, {spec.Hidden})" : $"(B, {steps}, {spec.Hidden})";
        string name = spec.Name;
        if (spec.Activation == ActivationFunction.Gelu)
        {
            layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "PreActivation", hidden, name, $"hidden {shape} before GELU"));
        }

        string after = spec.Activation == ActivationFunction.Linear ? "" : " after " + Literals.ActivationProse(spec.Activation);
        layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "Hidden", hidden, name, $"hidden {shape}{after}"));
        if (spec.Dropout > 0)
        {
            layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "Dropped", hidden, name, $"hidden {shape} after dropout (training)"));
            layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "DropoutMask", hidden, name, $"dropout mask {shape}"));
        }

        layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "DHidden", hidden, name, $"hidden gradient {shape} in the backward pass"));
        layer.OutputSlot = plan.AddOutputSlot(layer, "");
    }

    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (FeedForwardSpec)layer.Spec;
        var (rows, width, hidden) = Sizes(layer);
        bool gelu = spec.Activation == ActivationFunction.Gelu;
        string x = Buffers.Act(layer.ForwardInput, layer.InputWidth);
        string h = HiddenSlot(layer, "Hidden");
        string z = gelu ? HiddenSlot(layer, "PreActivation") : h;
        string y = Buffers.Act(layer.OutputSlot, layer.OutputWidth);
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}; h = {spec.Activation}(x linear1^T + b1) ({hidden} per row), y = h linear2^T + b2");
        writer.WriteLine($"k.Gemm(false, true, {rows}, {hidden}, {width}, 1f, {x}, {Weight(layer, "Linear1Weight", hidden * width)}, 0f, {z});");
        var fused = gelu ? ActivationFunction.Linear : spec.Activation;
        writer.WriteLine($"k.BiasActivation({z}, {Weight(layer, "Linear1Bias", hidden)}, {rows}, {hidden}, {Literals.Activation(fused)});");
        if (gelu)
        {
            writer.WriteLine($"k.Gelu({z}, {h}, {HiddenCount(layer)});");
        }

        string linear2Input = h;
        if (spec.Dropout > 0)
        {
            string dropped = HiddenSlot(layer, "Dropped");
            using (writer.WriteBlock("if (training)"))
            {
                writer.WriteLine($"k.DropoutForward({h}, {dropped}, {HiddenSlot(layer, "DropoutMask")}, {Literals.Float(spec.Dropout)}, RandomSeed, NextRandomStream({HiddenCount(layer)}));");
            }

            linear2Input = $"training ? {dropped} : {h}";
        }

        writer.WriteLine($"k.Gemm(false, true, {rows}, {width}, {hidden}, 1f, {linear2Input}, {Weight(layer, "Linear2Weight", width * hidden)}, 0f, {y});");
        writer.WriteLine($"k.BiasActivation({y}, {Weight(layer, "Linear2Bias", width)}, {rows}, {width}, {Literals.Activation(ActivationFunction.Linear)});");
    }

    /// <summary>
    /// linear2's gradients from dy and h, dh = dy linear2 through the activation, linear1's gradients from dh and x,
    /// and dx = dh linear1 unless nothing below learns (parameter gradients accumulate, dx overwrites).
    /// </summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (FeedForwardSpec)layer.Spec;
        var (rows, width, hidden) = Sizes(layer);
        string dy = Buffers.Act(layer.OutputGradient!, layer.OutputWidth);
        string h = HiddenSlot(layer, "Hidden");
        string dh = HiddenSlot(layer, "DHidden");
        string input = layer.NeedsInputGradient ? $", dx {layer.Input} = dh linear1" : "; the input needs no gradient";
        writer.WriteLine($"// {spec.Name}: dLinear2 ({width}, {hidden}) += dy^T h, dh = dy linear2 through {spec.Activation}, dLinear1 ({hidden}, {width}) += dh^T x{input}");
        string linear2Input = spec.Dropout > 0 ? HiddenSlot(layer, "Dropped") : h;
        writer.WriteLine($"k.Gemm(true, false, {width}, {hidden}, {rows}, 1f, {dy}, {linear2Input}, 1f, {Buffers.Gradient(layer.Id + "Linear2Weight", width * hidden)});");
        writer.WriteLine($"k.BiasBackward({dy}, {Buffers.Gradient(layer.Id + "Linear2Bias", width)}, {rows}, {width});");
        writer.WriteLine($"k.Gemm(false, false, {rows}, {hidden}, {width}, 1f, {dy}, {Weight(layer, "Linear2Weight", width * hidden)}, 0f, {dh});");
        if (spec.Dropout > 0)
        {
            writer.WriteLine($"k.DropoutBackward({dh}, {HiddenSlot(layer, "DropoutMask")}, {dh});");
        }

        if (spec.Activation == ActivationFunction.Gelu)
        {
            writer.WriteLine($"k.GeluBackward({HiddenSlot(layer, "PreActivation")}, {dh}, {dh}, {HiddenCount(layer)});");
        }
        else if (spec.Activation != ActivationFunction.Linear)
        {
            writer.WriteLine($"k.ActivationBackward({h}, {dh}, {dh}, {rows}, {hidden}, {Literals.Activation(spec.Activation)});");
        }

        writer.WriteLine($"k.Gemm(true, false, {hidden}, {width}, {rows}, 1f, {dh}, {Buffers.Act(layer.InputSlot, layer.InputWidth)}, 1f, {Buffers.Gradient(layer.Id + "Linear1Weight", hidden * width)});");
        writer.WriteLine($"k.BiasBackward({dh}, {Buffers.Gradient(layer.Id + "Linear1Bias", hidden)}, {rows}, {hidden});");
        if (layer.NeedsInputGradient)
        {
            writer.WriteLine($"k.Gemm(false, false, {rows}, {width}, {hidden}, 1f, {dh}, {Weight(layer, "Linear1Weight", hidden * width)}, 0f, {Buffers.Act(layer.InputGradient!, layer.InputWidth)});");
        }
    }

    /// <summary>The GEMMs' rows (batch, or T * batch on a sequence), the width E and the hidden units.</summary>
    private static (string Rows, int Width, int Hidden) Sizes(LayerPlan layer)
    {
        int steps = Steps(layer.Input);
        return (steps == 1 ? "batch" : $"{steps} * batch", Width(layer.Input), ((FeedForwardSpec)layer.Spec).Hidden);
    }

    private static string HiddenSlot(LayerPlan layer, string key) =>
        Buffers.Act(layer.Id + key, Steps(layer.Input) * ((FeedForwardSpec)layer.Spec).Hidden);

    private static string HiddenCount(LayerPlan layer) => $"{Steps(layer.Input) * ((FeedForwardSpec)layer.Spec).Hidden} * batch";

    private static string Weight(LayerPlan layer, string key, int length) => Buffers.Fixed(layer.Id + key, length);

    /// <summary>Features per row: the last axis.</summary>
    private static int Width(Shape input) => input.Dimensions[input.Rank - 1];

    /// <summary>Rows per sample: the steps of a sequence, else 1.</summary>
    private static int Steps(Shape input) => input.Rank == 2 ? input.Dimensions[0] : 1;

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // linear1, the activation, (dropout: the identity at inference), linear2, on the last axis.
        var spec = (FeedForwardSpec)layer.Spec;
        OnnxEmit.Linear(writer, spec.Name + ".linear1", layer.Input.Rank);
        OnnxEmit.Activation(writer, spec.Activation, spec.Name + ".linear1");
        OnnxEmit.Linear(writer, spec.Name + ".linear2", layer.Input.Rank);
    }
}
