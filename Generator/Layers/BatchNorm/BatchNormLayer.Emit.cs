using System.Collections.Generic;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.BatchNorm;

internal static partial class BatchNormLayer
{
    /// <summary>weight (gamma, ones) and bias (beta, zeros) train; running_mean (zeros) and running_var (ones) are state.</summary>
    public static IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        int features = layer.OutputWidth;
        string name = layer.Spec.Name;
        yield return new PlannedParameter(layer.Id + "Weight", name + ".weight", 0, [features], true, "Ones", 0, 0, ", gamma");
        yield return new PlannedParameter(layer.Id + "Bias", name + ".bias", 0, [features], true, "Zeros", 0, 0, ", beta");
        yield return new PlannedParameter(layer.Id + "RunningMean", name + ".running_mean", 0, [features], false, "Zeros", 0, 0, "");
        yield return new PlannedParameter(layer.Id + "RunningVar", name + ".running_var", 0, [features], false, "Ones", 0, 0, "");
    }

    /// <summary>The batch mean and inverse deviation the forward pass saves for the backward pass.</summary>
    public static IEnumerable<PlannedConstant> Scratch(LayerPlan layer, int offset)
    {
        string size = $"({Literals.Int(layer.OutputWidth)})";
        yield return new PlannedConstant(layer.Id + "SavedMean", offset, size);
        yield return new PlannedConstant(layer.Id + "SavedInvStd", offset + layer.OutputWidth, size);
    }

    public static string Describe(BatchNormSpec spec) => "BatchNorm";

    /// <summary>Batch statistics (updating the running ones) in training, running statistics at inference.</summary>
    public static void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (BatchNormSpec)layer.Spec;
        int features = layer.OutputWidth;
        string x = Buffers.Act(layer.InputSlot, features);
        string inferenceX = Buffers.Act(layer.InferenceInputSlot, features);
        string y = Buffers.Act(layer.OutputSlot, features);
        string affine = $"{Buffers.Fixed(layer.Id + "Weight", features)}, {Buffers.Fixed(layer.Id + "Bias", features)}";
        string running = $"{Buffers.Fixed(layer.Id + "RunningMean", features)}, {Buffers.Fixed(layer.Id + "RunningVar", features)}";
        string saved = $"{Buffers.Fixed(layer.Id + "SavedMean", features)}, {Buffers.Fixed(layer.Id + "SavedInvStd", features)}";
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}");
        using (writer.WriteBlock("if (training)"))
        {
            writer.WriteLine($"""
                k.BatchNormTraining({x}, {y}, {affine},
                    {running}, {saved},
                    batch, {features}, {Literals.Float(spec.Momentum)}, {Literals.Float(spec.Epsilon)});
                """);
        }

        using (writer.WriteBlock("else"))
        {
            writer.WriteLine($"""
                k.BatchNormInference({inferenceX}, {y}, {affine},
                    {running}, batch, {features}, {Literals.Float(spec.Epsilon)});
                """);
        }
    }

    /// <summary>dx overwrites (into a buffer that dies at once when nothing below learns); dGamma and dBeta accumulate.</summary>
    public static void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        int features = layer.OutputWidth;
        string what = layer.NeedsInputGradient
            ? $"dx (B, {features}), dGamma, dBeta"
            : $"dGamma, dBeta; the kernel also writes dx (B, {features}), which nothing needs";
        writer.WriteLine($"// {layer.Spec.Name}: {what}");
        writer.WriteLine($"""
            k.BatchNormBackward({Buffers.Act(layer.InputSlot, features)}, {Buffers.Act(layer.OutputGradient!, features)}, {Buffers.Act(layer.InputGradient!, features)}, {Buffers.Fixed(layer.Id + "Weight", features)},
                {Buffers.Gradient(layer.Id + "Weight", features)}, {Buffers.Gradient(layer.Id + "Bias", features)}, {Buffers.Fixed(layer.Id + "SavedMean", features)}, {Buffers.Fixed(layer.Id + "SavedInvStd", features)}, batch, {features});
            """);
    }
}
