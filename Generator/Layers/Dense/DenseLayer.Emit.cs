using System.Collections.Generic;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dense;

internal sealed partial class DenseLayer
{
    /// <summary>weight (units, inputs), Glorot-uniform; bias (units), zeros.</summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        yield return new PlannedParameter(layer.Id + "Weight", layer.Spec.Name + ".weight", 0, [layer.OutputWidth, layer.InputWidth], true, "GlorotUniform", layer.InputWidth, layer.OutputWidth, "");
        yield return new PlannedParameter(layer.Id + "Bias", layer.Spec.Name + ".bias", 0, [layer.OutputWidth], true, "Zeros", 0, 0, "");
    }

    public override string Describe(LayerSpec layer) => Describe((DenseSpec)layer);

    private static string Describe(DenseSpec spec) =>
        spec.Activation == ActivationFunction.Linear ? $"Dense({spec.Units})" : $"Dense({spec.Units}, {spec.Activation})";

    /// <summary>
    /// y = x W^T (one GEMM), then bias and activation in place; a fused final layer keeps the logits and writes its
    /// activation to the output slot.
    /// </summary>
    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (DenseSpec)layer.Spec;
        int inputs = layer.InputWidth;
        int units = layer.OutputWidth;
        string target = layer.LogitsSlot ?? layer.OutputSlot;
        string weight = Buffers.Fixed(layer.Id + "Weight", inputs * units);
        string fusion = layer.LogitsSlot is null ? "" : "; logits kept for the fused loss";
        var activation = layer.LogitsSlot is null ? spec.Activation : ActivationFunction.Linear;
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}{fusion}");
        writer.WriteLine($"k.Gemm(false, true, batch, {units}, {inputs}, 1f, {Buffers.Act(layer.ForwardInput, inputs)}, {weight}, 0f, {Buffers.Act(target, units)});");
        writer.WriteLine($"k.BiasActivation({Buffers.Act(target, units)}, {Buffers.Fixed(layer.Id + "Bias", units)}, batch, {units}, {Literals.Activation(activation)});");
        if (layer.LogitsSlot is not null)
        {
            writer.WriteLine($"k.Activation({Buffers.Act(target, units)}, {Buffers.Act(layer.OutputSlot, units)}, batch, {units}, {Literals.Activation(spec.Activation)});");
        }
    }

    /// <summary>
    /// Through the activation in place (unless fused), then dWeight += dZ^T x and dBias += sum dZ (both accumulate),
    /// and dx = dZ W unless nothing below learns.
    /// </summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (DenseSpec)layer.Spec;
        int inputs = layer.InputWidth;
        int units = layer.OutputWidth;
        string dOutput = Buffers.Act(layer.OutputGradient!, units);
        bool throughActivation = !layer.FusedIntoLoss && spec.Activation != ActivationFunction.Linear && !layer.ReluBackwardDoneByNext;
        string dz = throughActivation || layer.ReluBackwardDoneByNext ? "dZ" : layer.ReceivesLogitGradient ? "dLogits" : "dy";
        string parameters = throughActivation
            ? $"through {spec.Activation} in place, then dWeight ({units}, {inputs}) += dZ^T x, dBias"
            : layer.ReluBackwardDoneByNext
                ? $"dZ (B, {units}) already through ReLU (fused into the next layer's backward) -> dWeight ({units}, {inputs}) += dZ^T x, dBias += sum dZ"
                : $"{dz} (B, {units}) -> dWeight ({units}, {inputs}) += {dz}^T x, dBias += sum {dz}";
        string input = layer.NeedsInputGradient ? $", dx (B, {inputs}) = {dz} W" : "; the input needs no gradient";
        writer.WriteLine($"// {spec.Name}: {parameters}{input}");
        if (throughActivation)
        {
            writer.WriteLine($"k.ActivationBackward({Buffers.Act(layer.OutputSlot, units)}, {dOutput}, {dOutput}, batch, {units}, {Literals.Activation(spec.Activation)});");
        }

        writer.WriteLine($"k.Gemm(true, false, {units}, {inputs}, batch, 1f, {dOutput}, {Buffers.Act(layer.InputSlot, inputs)}, 1f, {Buffers.Gradient(layer.Id + "Weight", inputs * units)});");
        writer.WriteLine($"k.BiasBackward({dOutput}, {Buffers.Gradient(layer.Id + "Bias", units)}, batch, {units});");
        if (layer.NeedsInputGradient)
        {
            writer.WriteLine($"k.Gemm(false, false, batch, {inputs}, {units}, 1f, {dOutput}, {Buffers.Fixed(layer.Id + "Weight", inputs * units)}, 0f, {Buffers.Act(layer.InputGradient!, inputs)});");
        }
    }
}
