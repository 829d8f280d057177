using System.Collections.Generic;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dense;

internal sealed partial class DenseLayer
{
    /// <summary>weight (units, inputs), Glorot-uniform; bias (units), zeros.</summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        var (_, inputs, units) = Rows(layer);
        yield return new PlannedParameter(layer.Id + "Weight", layer.Spec.Name + ".weight", 0, [units, inputs], true, "GlorotUniform", inputs, units, "");
        yield return new PlannedParameter(layer.Id + "Bias", layer.Spec.Name + ".bias", 0, [units], true, "Zeros", 0, 0, "");
    }

    public override string Describe(LayerSpec layer) => Describe((DenseSpec)layer);

    /// <summary>
    /// The GEMM's rows (batch, or T * batch on a sequence: every step is a row), and the features in and out per row.
    /// </summary>
    private static (string Rows, int Inputs, int Units) Rows(LayerPlan layer) =>
        layer.Input.Rank == 2
            ? ($"{layer.Input.Dimensions[0]} * batch", layer.Input.Dimensions[1], layer.Output.Dimensions[1])
            : ("batch", layer.InputWidth, layer.OutputWidth);

    private static string Describe(DenseSpec spec) =>
        spec.Activation == ActivationFunction.Linear ? $"Dense({spec.Units})" : $"Dense({spec.Units}, {spec.Activation})";

    /// <summary>
    /// y = x W^T (one GEMM), then bias and activation in place; a fused final layer keeps the logits and writes its
    /// activation to the output slot.
    /// </summary>
    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (DenseSpec)layer.Spec;
        var (rows, inputs, units) = Rows(layer);
        string target = layer.LogitsSlot ?? layer.OutputSlot;
        string weight = Buffers.Fixed(layer.Id + "Weight", inputs * units);
        string fusion = layer.LogitsSlot is null ? "" : "; logits kept for the fused loss";
        var activation = layer.LogitsSlot is null ? spec.Activation : ActivationFunction.Linear;
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}{fusion}");
        string x = Buffers.Act(layer.ForwardInput, layer.InputWidth);
        string y = Buffers.Act(target, layer.OutputWidth);
        if (spec.Activation == ActivationFunction.Gelu)
        {
            // GELU has no fused bias kernel: z = x W^T + b into the kept pre-activation, then y = GELU(z).
            string z = Buffers.Act(layer.ScratchSlots[0], layer.OutputWidth);
            writer.WriteLine($"k.Gemm(false, true, {rows}, {units}, {inputs}, 1f, {x}, {weight}, 0f, {z});");
            writer.WriteLine($"k.BiasActivation({z}, {Buffers.Fixed(layer.Id + "Bias", units)}, {rows}, {units}, {Literals.Activation(ActivationFunction.Linear)});");
            writer.WriteLine($"k.Gelu({z}, {y}, {layer.OutputWidth} * batch);");
            return;
        }

        writer.WriteLine($"k.Gemm(false, true, {rows}, {units}, {inputs}, 1f, {x}, {weight}, 0f, {y});");
        writer.WriteLine($"k.BiasActivation({y}, {Buffers.Fixed(layer.Id + "Bias", units)}, {rows}, {units}, {Literals.Activation(activation)});");
        if (layer.LogitsSlot is not null)
        {
            writer.WriteLine($"k.Activation({y}, {Buffers.Act(layer.OutputSlot, layer.OutputWidth)}, {rows}, {units}, {Literals.Activation(spec.Activation)});");
        }
    }

    /// <summary>
    /// Through the activation in place (unless fused; GELU's from the kept pre-activation), then dWeight += dZ^T x and dBias += sum dZ (both accumulate),
    /// and dx = dZ W unless nothing below learns.
    /// </summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (DenseSpec)layer.Spec;
        var (rows, inputs, units) = Rows(layer);
        string dOutput = Buffers.Act(layer.OutputGradient!, layer.OutputWidth);
        bool throughActivation = !layer.FusedIntoLoss && spec.Activation != ActivationFunction.Linear && !layer.ReluBackwardDoneByNext;
        string dz = throughActivation || layer.ReluBackwardDoneByNext ? "dZ" : layer.ReceivesLogitGradient ? "dLogits" : "dy";
        string parameters = throughActivation
            ? $"through {spec.Activation} in place, then dWeight ({units}, {inputs}) += dZ^T x, dBias"
            : layer.ReluBackwardDoneByNext
                ? $"dZ (B, {units}) already through ReLU (fused into the next layer's backward) -> dWeight ({units}, {inputs}) += dZ^T x, dBias += sum dZ"
                : $"{dz} (B, {units}) -> dWeight ({units}, {inputs}) += {dz}^T x, dBias += sum {dz}";
        string input = layer.NeedsInputGradient ? $", dx (B, {inputs}) = {dz} W" : "; the input needs no gradient";
        writer.WriteLine($"// {spec.Name}: {parameters}{input}");
        if (throughActivation && spec.Activation == ActivationFunction.Gelu)
        {
            writer.WriteLine($"k.GeluBackward({Buffers.Act(layer.ScratchSlots[0], layer.OutputWidth)}, {dOutput}, {dOutput}, {layer.OutputWidth} * batch);");
        }
        else if (throughActivation)
        {
            writer.WriteLine($"k.ActivationBackward({Buffers.Act(layer.OutputSlot, layer.OutputWidth)}, {dOutput}, {dOutput}, {rows}, {units}, {Literals.Activation(spec.Activation)});");
        }

        writer.WriteLine($"k.Gemm(true, false, {units}, {inputs}, {rows}, 1f, {dOutput}, {Buffers.Act(layer.InputSlot, layer.InputWidth)}, 1f, {Buffers.Gradient(layer.Id + "Weight", inputs * units)});");
        writer.WriteLine($"k.BiasBackward({dOutput}, {Buffers.Gradient(layer.Id + "Bias", units)}, {rows}, {units});");
        if (layer.NeedsInputGradient)
        {
            writer.WriteLine($"k.Gemm(false, false, {rows}, {inputs}, {units}, 1f, {dOutput}, {Buffers.Fixed(layer.Id + "Weight", inputs * units)}, 0f, {Buffers.Act(layer.InputGradient!, layer.InputWidth)});");
        }
    }

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // y = x W^T + b (Gemm on (B, F), MatMul on a sequence), then the activation: what Predict returns, also when the
        // training plan fuses the activation into the loss.
        var spec = (DenseSpec)layer.Spec;
        OnnxEmit.Linear(writer, spec.Name, layer.Input.Rank);
        OnnxEmit.Activation(writer, spec.Activation, spec.Name);
    }
}
