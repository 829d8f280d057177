using System.Collections.Generic;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Conv2D;

internal sealed partial class Conv2DLayer
{
    /// <summary>weight (F, C, KH, KW), Glorot-uniform with Keras' fans (C KH KW in, F KH KW out); bias (F), zeros.</summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        var spec = (Conv2DSpec)layer.Spec;
        var g = Geometry(spec, layer.Input);
        int area = g.KernelHeight * g.KernelWidth;
        yield return new PlannedParameter(layer.Id + "Weight", spec.Name + ".weight", 0, [g.Filters, g.Channels, g.KernelHeight, g.KernelWidth], true, "GlorotUniform", g.Channels * area, g.Filters * area, "");
        yield return new PlannedParameter(layer.Id + "Bias", spec.Name + ".bias", 0, [g.Filters], true, "Zeros", 0, 0, "");
    }

    /// <summary>The im2col patches (kept for the weight gradient), the GEMM's position-major rows, then the output.</summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        var spec = (Conv2DSpec)layer.Spec;
        var g = Geometry(spec, layer.Input);
        layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "Patches", g.Positions * g.PatchSize, spec.Name, $"im2col patches (B, {g.Positions}, {g.PatchSize})"));
        layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "Rows", g.Positions * g.Filters, spec.Name, $"GEMM rows (B, {g.Positions}, {g.Filters})"));
        string after = spec.Activation == ActivationFunction.Linear ? "" : " after " + Literals.ActivationProse(spec.Activation);
        layer.OutputSlot = plan.AddOutputSlot(layer, after);
    }

    /// <summary>patches = im2col(x); rows = patches W^T (one GEMM for the whole batch); y = act(rows + bias) laid out channels first.</summary>
    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (Conv2DSpec)layer.Spec;
        var g = Geometry(spec, layer.Input);
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}; patches (B, {g.Positions}, {g.PatchSize}) x weight^T, one GEMM");
        writer.WriteLine($"""
            k.Conv2DForward({Buffers.Act(layer.ForwardInput, layer.InputWidth)}, {Buffers.Fixed(layer.Id + "Weight", g.Filters * g.PatchSize)}, {Buffers.Fixed(layer.Id + "Bias", g.Filters)},
                {Buffers.Act(layer.ScratchSlots[0], g.Positions * g.PatchSize)}, {Buffers.Act(layer.ScratchSlots[1], g.Positions * g.Filters)}, {Buffers.Act(layer.OutputSlot, layer.OutputWidth)},
                batch, {g.Literal}, {Literals.Activation(spec.Activation)});
            """);
    }

    /// <summary>
    /// Through the activation in place, then dWeight += dy^T patches and dBias += sum dy (both accumulate), and
    /// dx = col2im(dy W) unless nothing below learns.
    /// </summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (Conv2DSpec)layer.Spec;
        var g = Geometry(spec, layer.Input);
        int outputs = layer.OutputWidth;
        string dy = Buffers.Act(layer.OutputGradient!, outputs);
        bool throughActivation = spec.Activation != ActivationFunction.Linear && !layer.ReluBackwardDoneByNext;
        string first = throughActivation ? $"through {spec.Activation} in place, then "
            : layer.ReluBackwardDoneByNext ? "dy already through ReLU (fused into the pool's backward), " : "";
        string input = layer.NeedsInputGradient ? $", dx {layer.Input} = col2im(dy W)" : "; the input needs no gradient";
        writer.WriteLine($"// {spec.Name}: {first}dWeight ({g.Filters}, {g.Channels}, {g.KernelHeight}, {g.KernelWidth}) += dy^T patches, dBias += sum dy{input}");
        if (throughActivation)
        {
            writer.WriteLine($"k.ActivationBackward({Buffers.Act(layer.OutputSlot, outputs)}, {dy}, {dy}, batch, {outputs}, {Literals.Activation(spec.Activation)});");
        }

        string dx = layer.NeedsInputGradient ? Buffers.Act(layer.InputGradient!, layer.InputWidth) : "default";
        writer.WriteLine($"""
            k.Conv2DBackward({Buffers.Act(layer.InputSlot, layer.InputWidth)}, {Buffers.Fixed(layer.Id + "Weight", g.Filters * g.PatchSize)}, {dy},
                {Buffers.Act(layer.ScratchSlots[0], g.Positions * g.PatchSize)}, {Buffers.Act(layer.ScratchSlots[1], g.Positions * g.Filters)},
                {Buffers.Gradient(layer.Id + "Weight", g.Filters * g.PatchSize)}, {Buffers.Gradient(layer.Id + "Bias", g.Filters)}, {dx},
                batch, {g.Literal});
            """);
    }

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // Keras' same padding puts the odd extra row and column at the bottom and right: explicit pads, as the kernels use.
        var spec = (Conv2DSpec)layer.Spec;
        var g = Geometry(spec, layer.Input);
        int bottom = System.Math.Max(0, ((g.OutHeight - 1) * g.Stride) + g.KernelHeight - g.Height - g.PadTop);
        int right = System.Math.Max(0, ((g.OutWidth - 1) * g.Stride) + g.KernelWidth - g.Width - g.PadLeft);
        if (!spec.SamePadding)
        {
            bottom = right = 0;
        }

        OnnxEmit.Node(writer, "Conv", spec.Name, ["x", OnnxEmit.Parameter(spec.Name + ".weight"), OnnxEmit.Parameter(spec.Name + ".bias")],
            OnnxEmit.Ints("kernel_shape", g.KernelHeight, g.KernelWidth), OnnxEmit.Ints("strides", g.Stride, g.Stride),
            OnnxEmit.Ints("pads", g.PadTop, g.PadLeft, bottom, right));
        OnnxEmit.Activation(writer, spec.Activation, spec.Name);
    }
}
