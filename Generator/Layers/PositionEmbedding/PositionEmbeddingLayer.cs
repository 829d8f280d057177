using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.PositionEmbedding;

/// <summary>
/// The PositionEmbedding layer (keras_hub's PositionEmbedding): y = x + table, the learned (length, E) table added to
/// each sample's (T, E) sequence with T = length. Forward is a copy and one bias pass over rows of T * E floats (the
/// table is a bias of the whole sample); backward sums dy over the batch into the table's gradient and passes dy on.
/// </summary>
internal sealed class PositionEmbeddingLayer : LayerKind
{
    public static PositionEmbeddingLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.PositionEmbeddingAttribute";

    public override string DefaultNamePrefix => "position_embedding";

    /// <summary>Reads [PositionEmbedding(length, Name = ...)].</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        int length = AttributeArguments.Int(attribute, 0, 0);
        if (length < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, "PositionEmbedding", length, "length"));
        }

        return new PositionEmbeddingSpec(name, length);
    }

    /// <summary>(B, T, E) -> (B, T, E) with T the table's length.</summary>
    public override Shape? InferShape(LayerSpec layer, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var spec = (PositionEmbeddingSpec)layer;
        if (input.Rank != 2)
        {
            string fix = input.Rank == 1
                ? "start with an [Embedding] over [Input(steps)] token ids, or declare the input as [Input(steps, features)]"
                : "a position embedding adds to steps of feature vectors, not feature maps; declare the input as [Input(steps, features)]";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsSequenceError, location, spec.Name, spec.Kind, input.WithBatch, fix));
            return null;
        }

        if (input.Dimensions[0] != spec.Length)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PositionEmbeddingLengthMismatchError, location, spec.Name, spec.Length, input.WithBatch, input.Dimensions[0]));
            return null;
        }

        return input;
    }

    public override bool IsTrainable => true;

    /// <summary>The table (length, E).</summary>
    public override long TrainableCount(LayerSpec spec, Shape input) => input.Size;

    /// <summary>One add per element.</summary>
    public override long FlopsPerSample(LayerSpec spec, Shape input) => input.Size;

    public override string Describe(LayerSpec spec) => $"PositionEmbedding({((PositionEmbeddingSpec)spec).Length})";

    /// <summary>weight (length, E), Glorot-uniform with Keras' fans of a 2-D tensor (length in, E out), as keras_hub starts it.</summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        int length = layer.Input.Dimensions[0];
        int width = layer.Input.Dimensions[1];
        yield return new PlannedParameter(layer.Id + "Weight", layer.Spec.Name + ".weight", 0, [length, width], true, "GlorotUniform", length, width, "");
    }

    /// <summary>dx = dy: the input's gradient is the output's, in place.</summary>
    public override GradientBuffer PlanBackward(NetworkPlan plan, LayerPlan layer, GradientBuffer current, int step, string inputGradient) =>
        layer.NeedsInputGradient ? InPlace(layer, current, inputGradient) : current;

    /// <summary>y = x, then y += table as a bias over rows of T * E.</summary>
    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (PositionEmbeddingSpec)layer.Spec;
        int width = layer.OutputWidth;
        string y = Buffers.Act(layer.OutputSlot, width);
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}; y = x + weight {layer.Input.Elements.Replace(", ", " x ")} per sample");
        writer.WriteLine($"k.Copy({Buffers.Act(layer.ForwardInput, width)}, {y});");
        writer.WriteLine($"k.BiasActivation({y}, {Buffers.Fixed(layer.Id + "Weight", width)}, batch, {width}, {Literals.Activation(ActivationFunction.Linear)});");
    }

    /// <summary>dWeight += sum over the batch of dy; dx = dy (the same buffer).</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        int width = layer.OutputWidth;
        string input = layer.NeedsInputGradient ? "; dx = dy, in place" : "";
        writer.WriteLine($"// {layer.Spec.Name}: dWeight ({layer.Input.Elements}) += sum over the batch of dy {layer.Output}{input}");
        writer.WriteLine($"k.BiasBackward({Buffers.Act(layer.OutputGradient!, width)}, {Buffers.Gradient(layer.Id + "Weight", width)}, batch, {width});");
    }

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // (B, T, W) + the (T, W) table, broadcast over the batch.
        OnnxEmit.Node(writer, "Add", layer.Spec.Name, ["x", OnnxEmit.Parameter(layer.Spec.Name + ".weight")]);
    }
}
