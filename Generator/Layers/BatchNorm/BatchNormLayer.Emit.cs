using System.Collections.Generic;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.BatchNorm;

internal sealed partial class BatchNormLayer
{
    /// <summary>weight (gamma, ones) and bias (beta, zeros) train; running_mean (zeros) and running_var (ones) are state; one per feature or channel.</summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        int channels = Channels(layer.Input);
        string name = layer.Spec.Name;
        yield return new PlannedParameter(layer.Id + "Weight", name + ".weight", 0, [channels], true, "Ones", 0, 0, ", gamma");
        yield return new PlannedParameter(layer.Id + "Bias", name + ".bias", 0, [channels], true, "Zeros", 0, 0, ", beta");
        yield return new PlannedParameter(layer.Id + "RunningMean", name + ".running_mean", 0, [channels], false, "Zeros", 0, 0, "");
        yield return new PlannedParameter(layer.Id + "RunningVar", name + ".running_var", 0, [channels], false, "Ones", 0, 0, "");
    }

    /// <summary>The batch mean and inverse deviation the forward pass saves for the backward pass.</summary>
    public override IEnumerable<(string Name, int Length, string Comment)> FixedScratch(LayerPlan layer)
    {
        int channels = Channels(layer.Input);
        string size = $"({Literals.Int(channels)})";
        yield return (layer.Id + "SavedMean", channels, size);
        yield return (layer.Id + "SavedInvStd", channels, size);
    }

    public override string Describe(LayerSpec spec) => "BatchNorm";

    /// <summary>Batch statistics (updating the running ones) in training, running statistics at inference; per channel on maps.</summary>
    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (BatchNormSpec)layer.Spec;
        int width = layer.OutputWidth;
        int channels = Channels(layer.Input);
        bool maps = layer.Input.Rank == 3;
        string x = Buffers.Act(layer.InputSlot, width);
        string inferenceX = Buffers.Act(layer.InferenceInputSlot, width);
        string y = Buffers.Act(layer.OutputSlot, width);
        string affine = $"{Buffers.Fixed(layer.Id + "Weight", channels)}, {Buffers.Fixed(layer.Id + "Bias", channels)}";
        string running = $"{Buffers.Fixed(layer.Id + "RunningMean", channels)}, {Buffers.Fixed(layer.Id + "RunningVar", channels)}";
        string saved = $"{Buffers.Fixed(layer.Id + "SavedMean", channels)}, {Buffers.Fixed(layer.Id + "SavedInvStd", channels)}";
        string perChannel = maps ? $"; statistics per channel over the batch and the {layer.Input.Dimensions[1]}x{layer.Input.Dimensions[2]} map" : "";
        string op = maps ? "BatchNorm2D" : "BatchNorm";
        string dims = maps ? $"batch, {channels}, {Spatial(layer.Input)}" : $"batch, {width}";
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}{perChannel}");
        string syncDims = maps ? $"batch, {channels}, {Spatial(layer.Input)}" : $"batch, {width}, 1";
        using (writer.WriteBlock("if (training && SyncsBatchNorm)"))
        {
            // Data-parallel with synchronised BatchNorm: the global batch's statistics (the runtime sums them over the ranks).
            string target = layer.FusedDropout is { } fused ? Buffers.Act(fused.OutputSlot, width) : y;
            writer.WriteLine($"""
                SyncBatchNormTraining({x}, {target}, {affine},
                    {running}, {saved},
                    {syncDims}, {Literals.Float(spec.Momentum)}, {Literals.Float(spec.Epsilon)});
                """);
            if (layer.FusedDropout is { } dropout)
            {
                var rate = ((Dropout.DropoutSpec)dropout.Spec).Rate;
                writer.WriteLine($"k.DropoutForward({target}, {target}, {Buffers.Act(dropout.MaskSlot!, width)}, {Literals.Float(rate)}, RandomSeed, NextRandomStream({width} * batch));");
            }
        }

        using (writer.WriteBlock("else if (training)"))
        {
            if (layer.FusedDropout is { } dropout)
            {
                var rate = ((Dropout.DropoutSpec)dropout.Spec).Rate;
                writer.WriteLine($"// with {dropout.Spec.Name} fused: one pass normalises, draws the mask and writes {dropout.Spec.Name}'s output");
                writer.WriteLine($"""
                    k.BatchNormDropoutTraining({x}, {Buffers.Act(dropout.OutputSlot, width)}, {Buffers.Act(dropout.MaskSlot!, width)}, {affine},
                        {running}, {saved},
                        {dims}, {Literals.Float(spec.Momentum)}, {Literals.Float(spec.Epsilon)}, {Literals.Float(rate)}, RandomSeed, NextRandomStream({width} * batch));
                    """);
            }
            else
            {
                writer.WriteLine($"""
                    k.{op}Training({x}, {y}, {affine},
                        {running}, {saved},
                        {dims}, {Literals.Float(spec.Momentum)}, {Literals.Float(spec.Epsilon)});
                    """);
            }
        }

        using (writer.WriteBlock("else"))
        {
            writer.WriteLine($"""
                k.{op}Inference({inferenceX}, {y}, {affine},
                    {running}, {dims}, {Literals.Float(spec.Epsilon)});
                """);
        }
    }

    /// <summary>dx overwrites (into a buffer that dies at once when nothing below learns); dGamma and dBeta accumulate.</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        int width = layer.OutputWidth;
        int channels = Channels(layer.Input);
        bool maps = layer.Input.Rank == 3;
        string shape = maps ? layer.Input.WithBatch : $"(B, {width})";
        string what = layer.NeedsInputGradient
            ? $"dx {shape}, dGamma, dBeta"
            : $"dGamma, dBeta; the kernel also writes dx {shape}, which nothing needs";
        string op = maps ? "BatchNorm2D" : "BatchNorm";
        string dims = maps ? $"batch, {channels}, {Spatial(layer.Input)}" : $"batch, {width}";
        using (writer.WriteBlock("if (SyncsBatchNorm)"))
        {
            // Data-parallel with synchronised BatchNorm: the global batch's sums of dy and dy xhat (the runtime sums them).
            string dy = Buffers.Act(layer.OutputGradient!, width), dx = Buffers.Act(layer.InputGradient!, width);
            if (layer.FusedDropout is { } fused)
            {
                writer.WriteLine($"k.DropoutBackward({dy}, {Buffers.Act(fused.MaskSlot!, width)}, {dy});");
            }

            string syncDims = maps ? $"batch, {channels}, {Spatial(layer.Input)}" : $"batch, {width}, 1";
            writer.WriteLine($"""
                SyncBatchNormBackward({Buffers.Act(layer.InputSlot, width)}, {dy}, {dx}, {Buffers.Fixed(layer.Id + "Weight", channels)},
                    {Buffers.Gradient(layer.Id + "Weight", channels)}, {Buffers.Gradient(layer.Id + "Bias", channels)}, {Buffers.Fixed(layer.Id + "SavedMean", channels)}, {Buffers.Fixed(layer.Id + "SavedInvStd", channels)}, {syncDims});
                """);
            if (layer.FusesPreviousRelu)
            {
                writer.WriteLine($"k.ActivationBackward({Buffers.Act(layer.InputSlot, width)}, {dx}, {dx}, batch, {width}, {Literals.Activation(ActivationFunction.ReLU)});");
            }
        }

        using (writer.WriteBlock("else"))
        {
            EmitKernelBackward(writer, layer, width, channels, what, op, dims);
        }
    }

    /// <summary>The backward pass through the back end's kernels (a fused one when a dropout or the ReLU before folds in).</summary>
    private static void EmitKernelBackward(IndentedTextWriter writer, LayerPlan layer, int width, int channels, string what, string op, string dims)
    {
        if (layer.FusedDropout is not null || layer.FusesPreviousRelu)
        {
            string mask = layer.FusedDropout is { } dropout ? Buffers.Act(dropout.MaskSlot!, width) : "default";
            string byMask = layer.FusedDropout is { } d ? $"dy times {d.Spec.Name}'s mask (fused), " : "";
            string relu = layer.FusesPreviousRelu ? ", dx only where the input (the ReLU before's output) is positive (fused)" : "";
            writer.WriteLine($"// {layer.Spec.Name}: {byMask}{what}{relu}");
            writer.WriteLine($"""
                k.BatchNormBackwardFused({Buffers.Act(layer.InputSlot, width)}, {Buffers.Act(layer.OutputGradient!, width)}, {mask}, {Buffers.Act(layer.InputGradient!, width)}, {Buffers.Fixed(layer.Id + "Weight", channels)},
                    {Buffers.Gradient(layer.Id + "Weight", channels)}, {Buffers.Gradient(layer.Id + "Bias", channels)}, {Buffers.Fixed(layer.Id + "SavedMean", channels)}, {Buffers.Fixed(layer.Id + "SavedInvStd", channels)}, {dims}, {(layer.FusesPreviousRelu ? "true" : "false")});
                """);
            return;
        }

        writer.WriteLine($"// {layer.Spec.Name}: {what}");
        writer.WriteLine($"""
            k.{op}Backward({Buffers.Act(layer.InputSlot, width)}, {Buffers.Act(layer.OutputGradient!, width)}, {Buffers.Act(layer.InputGradient!, width)}, {Buffers.Fixed(layer.Id + "Weight", channels)},
                {Buffers.Gradient(layer.Id + "Weight", channels)}, {Buffers.Gradient(layer.Id + "Bias", channels)}, {Buffers.Fixed(layer.Id + "SavedMean", channels)}, {Buffers.Fixed(layer.Id + "SavedInvStd", channels)}, {dims});
            """);
    }

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // Inference: the running statistics, (x - mean) / sqrt(var + epsilon) * gamma + beta per feature or channel.
        var spec = (BatchNormSpec)layer.Spec;
        string name = spec.Name;
        OnnxEmit.Node(writer, "BatchNormalization", name,
            ["x", OnnxEmit.Parameter(name + ".weight"), OnnxEmit.Parameter(name + ".bias"), OnnxEmit.Parameter(name + ".running_mean"), OnnxEmit.Parameter(name + ".running_var")],
            OnnxEmit.Float("epsilon", spec.Epsilon));
    }
}
