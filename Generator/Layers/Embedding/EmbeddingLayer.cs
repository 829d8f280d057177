using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.Embedding;

/// <summary>
/// The Embedding layer: the model's T token ids (integers stored as floats) -> (T, width) rows of the table
/// weight (vocabulary, width), PyTorch's nn.Embedding layout, uniform in [-0.05, 0.05] as Keras starts it. With
/// MaskZero it also writes the (B, T) padding mask (id 0) that the recurrent layers after it read. The runtime checks
/// every id against the vocabulary before a pass runs, and the kernels check again.
/// </summary>
internal sealed class EmbeddingLayer : LayerKind
{
    public static EmbeddingLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.EmbeddingAttribute";

    public override string DefaultNamePrefix => "embedding";

    /// <summary>Reads [Embedding(vocabulary, width, MaskZero = ..., Name = ...)].</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        int vocabulary = AttributeArguments.Int(attribute, 0, 0);
        int width = AttributeArguments.Int(attribute, 1, 0);
        bool maskZero = AttributeArguments.Named(attribute, "MaskZero") is { Value: true };
        if (vocabulary < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, "Embedding", vocabulary, "vocabulary"));
        }

        if (width < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, "Embedding", width, "width"));
        }

        return new EmbeddingSpec(name, vocabulary, width, maskZero);
    }

    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        InferShape(spec, [], input, location, diagnostics);

    /// <summary>(B, T) ids -> (B, T, width); only as the first layer.</summary>
    public override Shape? InferShape(LayerSpec layer, IReadOnlyList<LayerSpec> before, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var spec = (EmbeddingSpec)layer;
        if (before.Count > 0)
        {
            var previous = before[before.Count - 1];
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingNotFirstError, location, spec.Name, previous.Name, previous.Kind));
            return null;
        }

        if (input.Rank != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingNeedsIdsError, location, spec.Name, input.WithBatch));
            return null;
        }

        return new Shape(EquatableArray.From(new[] { input.Dimensions[0], spec.Width }));
    }

    public override int TokenVocabulary(LayerSpec spec) => ((EmbeddingSpec)spec).Vocabulary;

    public override bool IsTrainable => true;

    /// <summary>The table (vocabulary, width).</summary>
    public override long TrainableCount(LayerSpec layer, Shape input) => (long)((EmbeddingSpec)layer).Vocabulary * ((EmbeddingSpec)layer).Width;

    /// <summary>A lookup: no arithmetic.</summary>
    public override long FlopsPerSample(LayerSpec spec, Shape input) => 0;

    public override string Describe(LayerSpec layer)
    {
        var spec = (EmbeddingSpec)layer;
        return spec.MaskZero ? $"Embedding({spec.Vocabulary}, {spec.Width}, mask zero)" : $"Embedding({spec.Vocabulary}, {spec.Width})";
    }

    /// <summary>weight (vocabulary, width), uniform in [-0.05, 0.05].</summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        var spec = (EmbeddingSpec)layer.Spec;
        yield return new PlannedParameter(layer.Id + "Weight", spec.Name + ".weight", 0, [spec.Vocabulary, spec.Width], true, "RandomUniform", 0, 0, "");
    }

    /// <summary>The padding mask (B, T) with MaskZero, then the output.</summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        var spec = (EmbeddingSpec)layer.Spec;
        if (spec.MaskZero)
        {
            layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "Mask", layer.InputWidth, spec.Name, $"padding mask (B, {layer.InputWidth}): 1 where the id is not 0"));
        }

        layer.OutputSlot = plan.AddOutputSlot(layer, "");
    }

    /// <summary>With MaskZero the layer starts the mask its steps carry.</summary>
    public override string? MaskAfter(LayerPlan layer, string? mask) => ((EmbeddingSpec)layer.Spec).MaskZero ? layer.ScratchSlots[0] : null;

    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (EmbeddingSpec)layer.Spec;
        int steps = layer.InputWidth;
        string mask = spec.MaskZero ? Buffers.Act(layer.ScratchSlots[0], steps) : "default";
        string masked = spec.MaskZero ? ", and the padding mask (id 0)" : "";
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}: rows of the table at the ids{masked}");
        writer.WriteLine($"k.EmbeddingForward({Buffers.Act(layer.ForwardInput, steps)}, {Buffers.Fixed(layer.Id + "Weight", spec.Vocabulary * spec.Width)}, {Buffers.Act(layer.OutputSlot, layer.OutputWidth)}, {mask}, batch, {steps}, {spec.Vocabulary}, {spec.Width});");
    }

    /// <summary>dWeight rows += dy at the ids (repeated ids add up); ids have no gradient.</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (EmbeddingSpec)layer.Spec;
        int steps = layer.InputWidth;
        writer.WriteLine($"// {spec.Name}: dWeight ({spec.Vocabulary}, {spec.Width}) += dy {layer.Output} added into the rows of the ids");
        writer.WriteLine($"k.EmbeddingBackward({Buffers.Act(layer.InputSlot, steps)}, {Buffers.Act(layer.OutputGradient!, layer.OutputWidth)}, {Buffers.Gradient(layer.Id + "Weight", spec.Vocabulary * spec.Width)}, batch, {steps}, {spec.Vocabulary}, {spec.Width});");
    }

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // The ids arrive as floats holding integers: cast to int64, then gather the table's rows.
        string name = layer.Spec.Name;
        if (((EmbeddingSpec)layer.Spec).MaskZero)
        {
            // MaskZero: id 0 is padding; the (B, T) mask is 1 where the id is not 0.
            OnnxEmit.SetMask(writer, layer.ScratchSlots[0], "Cast", name + ".mask",
                [$"g.Node(\"Not\", {Literals.String(name + ".not_padding")}, [g.Node(\"Equal\", {Literals.String(name + ".is_padding")}, [x, {OnnxEmit.Scalar(name + ".zero", 0)}])])"],
                OnnxEmit.Int("to", 1));
        }

        OnnxEmit.Node(writer, "Cast", name + ".ids", ["x"], OnnxEmit.Int("to", 7));
        OnnxEmit.Node(writer, "Gather", name, [OnnxEmit.Parameter(name + ".weight"), "x"], OnnxEmit.Int("axis", 0));
    }
}
