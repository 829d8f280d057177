using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Activation;

internal sealed partial class ActivationLayer
{
    public override string Describe(LayerSpec spec) => Describe((ActivationSpec)spec);

    private static string Describe(ActivationSpec spec) => $"Activation({spec.Function})";

    /// <summary>y = act(x) into the layer's own slot; when fused into the loss, x stays as the logits.</summary>
    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (ActivationSpec)layer.Spec;
        int width = layer.OutputWidth;
        string fusion = layer.FusedIntoLoss ? "; its input kept as the logits for the fused loss" : "";
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}{fusion}");
        writer.WriteLine($"k.Activation({Buffers.Act(layer.ForwardInput, width)}, {Buffers.Act(layer.OutputSlot, width)}, batch, {width}, {Literals.Activation(spec.Function)});");
    }

    /// <summary>dx = dy times the derivative read from the output, in place (the kernel allows it).</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (ActivationSpec)layer.Spec;
        int width = layer.OutputWidth;
        string dy = Buffers.Act(layer.OutputGradient!, width);
        if (layer.ReluBackwardDoneByNext)
        {
            writer.WriteLine($"// {spec.Name}: nothing to do, the next layer's backward applied the ReLU's derivative");
            return;
        }

        writer.WriteLine($"// {spec.Name}: through {spec.Function} in place");
        writer.WriteLine($"k.ActivationBackward({Buffers.Act(layer.OutputSlot, width)}, {dy}, {dy}, batch, {width}, {Literals.Activation(spec.Function)});");
    }

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (ActivationSpec)layer.Spec;
        if (spec.Function == ActivationFunction.Linear)
        {
            OnnxEmit.Node(writer, "Identity", spec.Name, ["x"]);
            return;
        }

        OnnxEmit.Activation(writer, spec.Function, spec.Name);
    }
}
