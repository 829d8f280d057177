using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.MultiHeadAttention;

/// <summary>
/// The MultiHeadAttention layer (Keras' MultiHeadAttention, PyTorch's nn.MultiheadAttention tensors): queries (T, E)
/// from the first input, keys and values (S, E) from the second, or from the first again (self-attention, one call).
/// Projections are GEMMs over all steps of the batch, heads are split and merged by axis swaps, and the scores and the
/// context of every (sample, head) pair are one batched GEMM each, with the masked, scaled softmax between them.
/// </summary>
internal sealed partial class MultiHeadAttentionLayer : LayerKind
{
    public static MultiHeadAttentionLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.MultiHeadAttentionAttribute";

    public override string DefaultNamePrefix => "multi_head_attention";

    /// <summary>Queries, then keys and values.</summary>
    public override int MaxArguments => 2;

    /// <summary>Reads [MultiHeadAttention(heads, KeyDim = ..., Dropout = ..., Name = ...)].</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        int heads = AttributeArguments.Int(attribute, 0, 0);
        int? keyDim = AttributeArguments.Named(attribute, "KeyDim") is not null ? AttributeArguments.NamedInt(attribute, "KeyDim", 0) : null;
        double dropout = AttributeArguments.NamedDouble(attribute, "Dropout", 0);
        if (heads < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttentionHeadsNotPositiveError, location, name, heads));
        }

        if (keyDim is < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttentionKeyDimNotPositiveError, location, name, keyDim.Value));
        }

        if (!(dropout >= 0 && dropout < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttentionDropoutOutOfRangeError, location, name, dropout));
        }

        return new MultiHeadAttentionSpec(name, heads, keyDim ?? 0, dropout);
    }

    /// <summary>Self-attention: (B, T, E) -> (B, T, E).</summary>
    public override Shape? InferShape(LayerSpec layer, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var spec = (MultiHeadAttentionSpec)layer;
        if (input.Rank != 2)
        {
            string fix = input.Rank == 1
                ? "attention relates the steps of a sequence; declare the input as [Input(steps, features)], or start with an [Embedding] over [Input(steps)] token ids"
                : "attention relates the steps of a sequence, not the pixels of feature maps; declare the input as [Input(steps, features)]";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsSequenceError, location, spec.Name, spec.Kind, input.WithBatch, fix));
            return null;
        }

        int width = input.Dimensions[1];
        if (spec.KeyDim == 0 && spec.Heads > 0 && width % spec.Heads != 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttentionHeadsDoNotDivideError, location, spec.Name, spec.Heads, width, input.WithBatch, NearestDivisor(width, spec.Heads)));
            return null;
        }

        return input;
    }

    /// <summary>Cross-attention: queries (B, T, E) with keys and values (B, S, E) -> (B, T, E).</summary>
    public override Shape? InferShape(LayerSpec layer, Shape input, IReadOnlyList<Shape> extra, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (InferShape(layer, input, location, diagnostics) is not { } output)
        {
            return null;
        }

        if (extra.Count == 0)
        {
            return output;
        }

        var spec = (MultiHeadAttentionSpec)layer;
        var keys = extra[0];
        int width = input.Dimensions[1];
        string? fix = keys.Rank != 2
            ? "the keys and values must be a sequence (B, S, F) as well"
            : keys.Dimensions[1] != width
                ? $"one in_proj_weight projects both, so the keys and values need the queries' width {width}; project them first, as a [Dense({width})] layer"
                : null;
        if (fix is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttentionInputsMismatchError, location, spec.Name, input.WithBatch, keys.WithBatch, fix));
            return null;
        }

        return output;
    }

    /// <summary>The divisor of <paramref name="width"/> nearest to <paramref name="heads"/> (the smaller on a tie).</summary>
    private static int NearestDivisor(int width, int heads)
    {
        int best = 1;
        for (int divisor = 1; divisor <= width; divisor++)
        {
            if (width % divisor == 0 && System.Math.Abs(divisor - heads) < System.Math.Abs(best - heads))
            {
                best = divisor;
            }
        }

        return best;
    }

    public override bool IsTrainable => true;

    /// <summary>in_proj_weight (3D, E) and its bias, out_proj.weight (E, D) and its bias, D = heads * KeyDim.</summary>
    public override long TrainableCount(LayerSpec layer, Shape input)
    {
        long width = input.Dimensions[input.Rank - 1];
        long all = Inner((MultiHeadAttentionSpec)layer, (int)width);
        return (3 * all * width) + (3 * all) + (width * all) + width;
    }

    /// <summary>
    /// Per sample of self-attention (T = S): the in projection 2 T E 3D + 3D T, the scores and the context
    /// 2 heads T S KeyDim each, the softmax 3 heads T S, the out projection 2 T D E + T E.
    /// </summary>
    public override long FlopsPerSample(LayerSpec layer, Shape input)
    {
        var spec = (MultiHeadAttentionSpec)layer;
        if (input.Rank != 2)
        {
            return 0;
        }

        long steps = input.Dimensions[0];
        long width = input.Dimensions[1];
        long all = Inner(spec, (int)width);
        long pairs = spec.Heads * steps * steps;
        return (2 * steps * width * 3 * all) + (3 * all * steps) + (4 * pairs * (all / spec.Heads)) + (3 * pairs) + (2 * steps * all * width) + (steps * width);
    }

    /// <summary>
    /// Per sample of attention from T queries to S keys and values: the query projection 2 T E D + T D, the key and
    /// value projections 2 (2 S E D + S D), the scores and the context 2 heads T S KeyDim each, the softmax 3 heads T S,
    /// the out projection 2 T D E + T E.
    /// </summary>
    public override long FlopsPerSample(LayerSpec layer, Shape input, IReadOnlyList<Shape> extra)
    {
        var spec = (MultiHeadAttentionSpec)layer;
        if (input.Rank != 2 || extra.Count != 1 || extra[0].Rank != 2)
        {
            return FlopsPerSample(layer, input);
        }

        long steps = input.Dimensions[0];
        long keys = extra[0].Dimensions[0];
        long width = input.Dimensions[1];
        long all = Inner(spec, (int)width);
        long pairs = spec.Heads * steps * keys;
        return (2 * steps * width * all) + (steps * all) + (2 * ((2 * keys * width * all) + (keys * all)))
            + (4 * pairs * (all / spec.Heads)) + (3 * pairs) + (2 * steps * all * width) + (steps * width);
    }

    public override string Describe(LayerSpec layer)
    {
        var spec = (MultiHeadAttentionSpec)layer;
        string keyDim = spec.KeyDim == 0 ? "" : $", key dim {spec.KeyDim}";
        string dropout = spec.Dropout == 0 ? "" : $", dropout {Emit.Literals.Float(spec.Dropout).TrimEnd('f')}";
        return $"MultiHeadAttention({spec.Heads} heads{keyDim}{dropout})";
    }

    /// <summary>Floats per head: KeyDim, or the width divided by the heads.</summary>
    private static int KeyDim(MultiHeadAttentionSpec spec, int width) => spec.KeyDim > 0 ? spec.KeyDim : width / System.Math.Max(spec.Heads, 1);

    /// <summary>D = heads * KeyDim, the width of the projected queries, keys and values.</summary>
    private static int Inner(MultiHeadAttentionSpec spec, int width) => spec.Heads * KeyDim(spec, width);
}
