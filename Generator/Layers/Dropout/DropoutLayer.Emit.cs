using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dropout;

internal sealed partial class DropoutLayer
{
    public override string Describe(LayerSpec spec) => Describe((DropoutSpec)spec);

    private static string Describe(DropoutSpec spec) => $"Dropout({Literals.Float(spec.Rate).TrimEnd('f')})";

    /// <summary>
    /// A fresh mask from the model's counter stream in training. At inference the identity: nothing at all when the
    /// next layer reads the dropout's input instead, else a copy.
    /// </summary>
    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (DropoutSpec)layer.Spec;
        int width = layer.OutputWidth;
        string y = Buffers.Act(layer.OutputSlot, width);
        string inference = layer.SkippedAtInference ? "; at inference the next layer reads its input" : "; the identity at inference";
        string fused = layer.RunByPrevious ? "; in training the layer before applies the mask in its own pass" : "";
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}{fused}{inference}");
        if (!layer.RunByPrevious)
        {
            using (writer.WriteBlock("if (training)"))
            {
                writer.WriteLine($"k.DropoutForward({Buffers.Act(layer.InputSlot, width)}, {y}, {Buffers.Act(layer.MaskSlot!, width)}, {Literals.Float(spec.Rate)}, RandomSeed, NextRandomStream({width} * batch));");
            }
        }

        if (!layer.SkippedAtInference)
        {
            using (writer.WriteBlock("else"))
            {
                writer.WriteLine($"k.Copy({Buffers.Act(layer.InferenceInputSlot, width)}, {y});");
            }
        }
    }

    /// <summary>dx = dy * mask, in place (the kernel allows it), unless the layer before applies the mask.</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        if (layer.RunByPrevious)
        {
            writer.WriteLine($"// {layer.Spec.Name}: nothing to do, the layer before multiplies dy by the mask in its backward");
            return;
        }

        int width = layer.OutputWidth;
        string dy = Buffers.Act(layer.OutputGradient!, width);
        writer.WriteLine($"// {layer.Spec.Name}: dx = dy * mask, in place");
        writer.WriteLine($"k.DropoutBackward({dy}, {Buffers.Act(layer.MaskSlot!, width)}, {dy});");
    }

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // The identity at inference, kept as a node so the layer's name stays in the graph.
        OnnxEmit.Node(writer, "Identity", layer.Spec.Name, ["x"]);
    }
}
