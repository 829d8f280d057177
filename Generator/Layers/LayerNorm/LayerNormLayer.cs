using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.LayerNorm;

/// <summary>
/// The LayerNorm layer (Keras' LayerNormalization on the last axis): every row of F features, a flat sample or one step
/// of a sequence, normalised by its own mean and biased variance, then scaled by gamma and shifted by beta. No batch
/// statistics, so training and inference run the same kernel; each row's mean and inverse deviation are kept for the
/// backward pass in per-sample slots.
/// </summary>
internal sealed class LayerNormLayer : LayerKind
{
    public static LayerNormLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.LayerNormAttribute";

    public override string DefaultNamePrefix => "layer_norm";

    // Keras' default, as ModelGen.LayerNormAttribute declares it.
    private const double DefaultEpsilon = 1e-3;

    /// <summary>Reads [LayerNorm(Epsilon = ..., Name = ...)].</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        double epsilon = AttributeArguments.NamedDouble(attribute, "Epsilon", DefaultEpsilon);
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNormEpsilonNotPositiveError, location, name, epsilon));
        }

        return new LayerNormSpec(name, epsilon);
    }

    /// <summary>Any shape passes through: the last axis is normalised, the axes before it are rows.</summary>
    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics) => input;

    public override bool IsTrainable => true;

    /// <summary>Gamma and beta, one per feature of the last axis.</summary>
    public override long TrainableCount(LayerSpec spec, Shape input) => 2L * Features(input);

    /// <summary>Per element: the mean (1), the variance (3), then normalise, scale and shift (3); a square root per row.</summary>
    public override long FlopsPerSample(LayerSpec spec, Shape input) => (7 * input.Size) + Rows(input);

    public override string Describe(LayerSpec spec) => "LayerNorm";

    /// <summary>weight (gamma, ones) and bias (beta, zeros), one per feature: PyTorch's nn.LayerNorm.</summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        int features = Features(layer.Input);
        string name = layer.Spec.Name;
        yield return new PlannedParameter(layer.Id + "Weight", name + ".weight", 0, [features], true, "Ones", 0, 0, ", gamma");
        yield return new PlannedParameter(layer.Id + "Bias", name + ".bias", 0, [features], true, "Zeros", 0, 0, ", beta");
    }

    /// <summary>Each row's mean and inverse deviation (saved for the backward pass), then the output.</summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        int rows = Rows(layer.Input);
        string name = layer.Spec.Name;
        layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "Mean", rows, name, $"mean of each row (B, {rows})"));
        layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "InvStd", rows, name, $"1 / sqrt(var + epsilon) of each row (B, {rows})"));
        layer.OutputSlot = plan.AddOutputSlot(layer, "");
    }

    /// <summary>The kernel always writes dx; when nothing below learns it goes to a buffer that dies at once.</summary>
    public override GradientBuffer PlanBackward(NetworkPlan plan, LayerPlan layer, GradientBuffer current, int step, string inputGradient)
    {
        var buffer = plan.NewBuffer(layer.InputWidth, step, layer.NeedsInputGradient ? inputGradient : inputGradient + ", unused");
        layer.InputGradient = buffer.Constant;
        return buffer;
    }

    /// <summary>y = gamma * (x - mean) / sqrt(var + epsilon) + beta per row, the same in both modes.</summary>
    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (LayerNormSpec)layer.Spec;
        int features = Features(layer.Input);
        int rows = Rows(layer.Input);
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}; each row of {features} normalised, then gamma and beta");
        writer.WriteLine($"""
            k.LayerNormForward({Buffers.Act(layer.ForwardInput, layer.InputWidth)}, {Buffers.Act(layer.OutputSlot, layer.OutputWidth)}, {Affine(layer, features)},
                {Saved(layer, rows)}, {RowCount(rows)}, {features}, {Literals.Float(spec.Epsilon)});
            """);
    }

    /// <summary>dx overwrites; dGamma and dBeta accumulate.</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        int features = Features(layer.Input);
        int rows = Rows(layer.Input);
        string what = layer.NeedsInputGradient
            ? $"dx {layer.Input}, dGamma ({features}), dBeta ({features})"
            : $"dGamma ({features}), dBeta ({features}); the kernel also writes dx {layer.Input}, which nothing needs";
        writer.WriteLine($"// {layer.Spec.Name}: {what}");
        writer.WriteLine($"""
            k.LayerNormBackward({Buffers.Act(layer.InputSlot, layer.InputWidth)}, {Buffers.Act(layer.OutputGradient!, layer.OutputWidth)}, {Buffers.Act(layer.InputGradient!, layer.InputWidth)}, {Buffers.Fixed(layer.Id + "Weight", features)},
                {Buffers.Gradient(layer.Id + "Weight", features)}, {Buffers.Gradient(layer.Id + "Bias", features)}, {Saved(layer, rows)}, {RowCount(rows)}, {features});
            """);
    }

    private static string Affine(LayerPlan layer, int features) =>
        $"{Buffers.Fixed(layer.Id + "Weight", features)}, {Buffers.Fixed(layer.Id + "Bias", features)}";

    private static string Saved(LayerPlan layer, int rows) =>
        $"{Buffers.Act(layer.ScratchSlots[0], rows)}, {Buffers.Act(layer.ScratchSlots[1], rows)}";

    /// <summary>The rows of the whole batch: batch, or rows per sample times batch.</summary>
    private static string RowCount(int rows) => rows == 1 ? "batch" : $"{rows} * batch";

    /// <summary>The normalised axis: the last.</summary>
    private static int Features(Shape input) => input.Dimensions[input.Rank - 1];

    /// <summary>Rows per sample: every axis before the last taken together.</summary>
    private static int Rows(Shape input) => (int)(input.Size / Features(input));

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (LayerNormSpec)layer.Spec;
        OnnxEmit.Node(writer, "LayerNormalization", spec.Name, ["x", OnnxEmit.Parameter(spec.Name + ".weight"), OnnxEmit.Parameter(spec.Name + ".bias")],
            OnnxEmit.Int("axis", -1), OnnxEmit.Float("epsilon", spec.Epsilon));
    }
}
