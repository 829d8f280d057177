using System;

namespace ModelGen.Runtime.Tests.Models;

// MCAN's units (Yu et al. 2019, "Deep Modular Co-Attention Networks for VQA") as the layer attributes [SA], [GA], [SGA]
// and [AttentionReduction], and as graph blocks written out as the [Forward] bodies the attributes document (SABody,
// GABody, SGABody, AttentionReductionBody), in the order of the reference code's core/model/mca.py:
// x = norm1(x + dropout1(mhatt(...))), then x = norm2(x + dropout2(ffn(x))). Tiny widths throughout: width 8, two
// heads of 4, a feed-forward of 16, three image regions X and four question tokens Y (MCA_ED's x is the question and
// y the image; here, as in the paper's text, Y is the question and X the image).

/// <summary>[SA(2, Hidden = 16)] written out: self-attention, residual, LayerNorm, feed-forward, residual, LayerNorm.</summary>
[Model]
public partial class SABody
{
    [Input(-1, 8)] public partial Tensor X { get; }
    [MultiHeadAttention(2, Dropout = 0.1)] public partial Layer Mhatt { get; }
    [Dropout(0.1)] public partial Layer Dropout1 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm1 { get; }
    [FeedForward(16, Dropout = 0.1)] public partial Layer Ffn { get; }
    [Dropout(0.1)] public partial Layer Dropout2 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm2 { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Norm1(X + Dropout1(Mhatt(X)));
        return Norm2(x + Dropout2(Ffn(x)));
    }
}

/// <summary>[GA(2, Hidden = 16)] written out: queries from X, keys and values from the guide Y.</summary>
[Model]
public partial class GABody
{
    [Input(-1, 8)] public partial Tensor X { get; }
    [Input(-1, 8)] public partial Tensor Y { get; }
    [MultiHeadAttention(2, Dropout = 0.1)] public partial Layer Mhatt { get; }
    [Dropout(0.1)] public partial Layer Dropout1 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm1 { get; }
    [FeedForward(16, Dropout = 0.1)] public partial Layer Ffn { get; }
    [Dropout(0.1)] public partial Layer Dropout2 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm2 { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Norm1(X + Dropout1(Mhatt(X, Y)));
        return Norm2(x + Dropout2(Ffn(x)));
    }
}

/// <summary>[SGA(2, Hidden = 16)] written out: self-attention, guided attention, one feed-forward, three norms.</summary>
[Model]
public partial class SGABody
{
    [Input(-1, 8)] public partial Tensor X { get; }
    [Input(-1, 8)] public partial Tensor Y { get; }
    [MultiHeadAttention(2, Dropout = 0.1)] public partial Layer Mhatt1 { get; }
    [MultiHeadAttention(2, Dropout = 0.1)] public partial Layer Mhatt2 { get; }
    [Dropout(0.1)] public partial Layer Dropout1 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm1 { get; }
    [Dropout(0.1)] public partial Layer Dropout2 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm2 { get; }
    [FeedForward(16, Dropout = 0.1)] public partial Layer Ffn { get; }
    [Dropout(0.1)] public partial Layer Dropout3 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm3 { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Norm1(X + Dropout1(Mhatt1(X)));
        x = Norm2(x + Dropout2(Mhatt2(x, Y)));
        return Norm3(x + Dropout3(Ffn(x)));
    }
}

/// <summary>[AttentionReduction(6)] of width 8 written out: score, softmax over the positions, weighted sum, projection.</summary>
[Model]
public partial class AttentionReductionBody
{
    [Input(-1, 8)] public partial Tensor X { get; }
    [Dense(8, Activation.ReLU, Name = "mlp.fc.linear")] public partial Layer Hidden { get; }
    [Dropout(0.1, Name = "mlp.dropout")] public partial Layer Dropout { get; }
    [Dense(1, Name = "mlp.linear")] public partial Layer Score { get; }
    [Dense(6)] public partial Layer LinearMerge { get; }

    [Forward]
    Tensor Forward()
    {
        var weights = Tensor.Softmax(Score(Dropout(Hidden(X))), axis: 1);
        return LinearMerge(Tensor.Reshape(Tensor.MatMul(weights, X, transposeA: true), 8));
    }
}

/// <summary>MCA in the form ID(Y)-GA(X,Y); the output is both modalities, X' then Y', joined along the steps (7, 8).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class McaIdGa
{
    [Input(3, 8)] public partial Tensor X { get; }
    [Input(4, 8)] public partial Tensor Y { get; }
    [GA(2, Hidden = 16)] public partial Layer Ga { get; }

    [Forward]
    Tensor Forward() => Tensor.Concat([Ga(X, Y), Y], axis: 1);
}

/// <summary>MCA in the form SA(Y)-GA(X,Y), both outputs joined along the steps (7, 8).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class McaSaGa
{
    [Input(3, 8)] public partial Tensor X { get; }
    [Input(4, 8)] public partial Tensor Y { get; }
    [SA(2, Hidden = 16)] public partial Layer Sa { get; }
    [GA(2, Hidden = 16)] public partial Layer Ga { get; }

    [Forward]
    Tensor Forward()
    {
        var y = Sa(Y);
        return Tensor.Concat([Ga(X, y), y], axis: 1);
    }
}

/// <summary>MCA in the form SA(Y)-SGA(X,Y), both outputs joined along the steps (7, 8).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class McaSaSga
{
    [Input(3, 8)] public partial Tensor X { get; }
    [Input(4, 8)] public partial Tensor Y { get; }
    [SA(2, Hidden = 16)] public partial Layer Sa { get; }
    [SGA(2, Hidden = 16)] public partial Layer Sga { get; }

    [Forward]
    Tensor Forward()
    {
        var y = Sa(Y);
        return Tensor.Concat([Sga(X, y), y], axis: 1);
    }
}

/// <summary>
/// SA written from primitives: the attention as Q, K, V and merge Dense projections (mca.py's linear_q, linear_k,
/// linear_v, linear_merge) split into two heads of 4 with Reshape and Transpose, softmax(q k^T / sqrt(4)) v, the
/// heads joined back; the feed-forward as Dense(16, ReLU) then Dense(8). Dropout is left out: the comparison runs
/// at inference, where it is the identity.
/// </summary>
[Model]
public partial class PrimitiveSA
{
    [Input(4, 8)] public partial Tensor X { get; }
    [Dense(8)] public partial Layer Query { get; }
    [Dense(8)] public partial Layer Key { get; }
    [Dense(8)] public partial Layer Value { get; }
    [Dense(8)] public partial Layer Merge { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm1 { get; }
    [Dense(16, Activation.ReLU)] public partial Layer Linear1 { get; }
    [Dense(8)] public partial Layer Linear2 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm2 { get; }

    [Forward]
    Tensor Forward()
    {
        var q = Tensor.Transpose(Tensor.Reshape(Query(X), 4, 2, 4), 1, 2);
        var k = Tensor.Transpose(Tensor.Reshape(Key(X), 4, 2, 4), 1, 2);
        var v = Tensor.Transpose(Tensor.Reshape(Value(X), 4, 2, 4), 1, 2);
        var heads = Tensor.MatMul(Tensor.Softmax(Tensor.MatMul(q, k, transposeB: true) / MathF.Sqrt(4)), v);
        var x = Norm1(X + Merge(Tensor.Reshape(Tensor.Transpose(heads, 1, 2), 4, 8)));
        return Norm2(x + Linear2(Linear1(x)));
    }
}

/// <summary>GA written from primitives: queries from X (3 steps), keys and values from Y (4 steps).</summary>
[Model]
public partial class PrimitiveGA
{
    [Input(3, 8)] public partial Tensor X { get; }
    [Input(4, 8)] public partial Tensor Y { get; }
    [Dense(8)] public partial Layer Query { get; }
    [Dense(8)] public partial Layer Key { get; }
    [Dense(8)] public partial Layer Value { get; }
    [Dense(8)] public partial Layer Merge { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm1 { get; }
    [Dense(16, Activation.ReLU)] public partial Layer Linear1 { get; }
    [Dense(8)] public partial Layer Linear2 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm2 { get; }

    [Forward]
    Tensor Forward()
    {
        var q = Tensor.Transpose(Tensor.Reshape(Query(X), 3, 2, 4), 1, 2);
        var k = Tensor.Transpose(Tensor.Reshape(Key(Y), 4, 2, 4), 1, 2);
        var v = Tensor.Transpose(Tensor.Reshape(Value(Y), 4, 2, 4), 1, 2);
        var heads = Tensor.MatMul(Tensor.Softmax(Tensor.MatMul(q, k, transposeB: true) / MathF.Sqrt(4)), v);
        var x = Norm1(X + Merge(Tensor.Reshape(Tensor.Transpose(heads, 1, 2), 3, 8)));
        return Norm2(x + Linear2(Linear1(x)));
    }
}

/// <summary>SGA written from primitives: self-attention on X (Query1 to Merge1), then attention guided by Y (Query2 to Merge2), then the feed-forward.</summary>
[Model]
public partial class PrimitiveSGA
{
    [Input(3, 8)] public partial Tensor X { get; }
    [Input(4, 8)] public partial Tensor Y { get; }
    [Dense(8)] public partial Layer Query1 { get; }
    [Dense(8)] public partial Layer Key1 { get; }
    [Dense(8)] public partial Layer Value1 { get; }
    [Dense(8)] public partial Layer Merge1 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm1 { get; }
    [Dense(8)] public partial Layer Query2 { get; }
    [Dense(8)] public partial Layer Key2 { get; }
    [Dense(8)] public partial Layer Value2 { get; }
    [Dense(8)] public partial Layer Merge2 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm2 { get; }
    [Dense(16, Activation.ReLU)] public partial Layer Linear1 { get; }
    [Dense(8)] public partial Layer Linear2 { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer Norm3 { get; }

    [Forward]
    Tensor Forward()
    {
        var q1 = Tensor.Transpose(Tensor.Reshape(Query1(X), 3, 2, 4), 1, 2);
        var k1 = Tensor.Transpose(Tensor.Reshape(Key1(X), 3, 2, 4), 1, 2);
        var v1 = Tensor.Transpose(Tensor.Reshape(Value1(X), 3, 2, 4), 1, 2);
        var self = Tensor.MatMul(Tensor.Softmax(Tensor.MatMul(q1, k1, transposeB: true) / MathF.Sqrt(4)), v1);
        var x = Norm1(X + Merge1(Tensor.Reshape(Tensor.Transpose(self, 1, 2), 3, 8)));

        var q2 = Tensor.Transpose(Tensor.Reshape(Query2(x), 3, 2, 4), 1, 2);
        var k2 = Tensor.Transpose(Tensor.Reshape(Key2(Y), 4, 2, 4), 1, 2);
        var v2 = Tensor.Transpose(Tensor.Reshape(Value2(Y), 4, 2, 4), 1, 2);
        var guided = Tensor.MatMul(Tensor.Softmax(Tensor.MatMul(q2, k2, transposeB: true) / MathF.Sqrt(4)), v2);
        x = Norm2(x + Merge2(Tensor.Reshape(Tensor.Transpose(guided, 1, 2), 3, 8)));
        return Norm3(x + Linear2(Linear1(x)));
    }
}

/// <summary>ID(Y)-GA(X,Y) from primitives, named as <see cref="McaIdGa"/> is (ga.).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class PrimitiveMcaIdGa
{
    [Input(3, 8)] public partial Tensor X { get; }
    [Input(4, 8)] public partial Tensor Y { get; }
    [Block(typeof(PrimitiveGA))] public partial Layer Ga { get; }

    [Forward]
    Tensor Forward() => Tensor.Concat([Ga(X, Y), Y], axis: 1);
}

/// <summary>SA(Y)-GA(X,Y) from primitives, named as <see cref="McaSaGa"/> is (sa., ga.).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class PrimitiveMcaSaGa
{
    [Input(3, 8)] public partial Tensor X { get; }
    [Input(4, 8)] public partial Tensor Y { get; }
    [Block(typeof(PrimitiveSA))] public partial Layer Sa { get; }
    [Block(typeof(PrimitiveGA))] public partial Layer Ga { get; }

    [Forward]
    Tensor Forward()
    {
        var y = Sa(Y);
        return Tensor.Concat([Ga(X, y), y], axis: 1);
    }
}

/// <summary>SA(Y)-SGA(X,Y) from primitives, named as <see cref="McaSaSga"/> is (sa., sga.).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class PrimitiveMcaSaSga
{
    [Input(3, 8)] public partial Tensor X { get; }
    [Input(4, 8)] public partial Tensor Y { get; }
    [Block(typeof(PrimitiveSA))] public partial Layer Sa { get; }
    [Block(typeof(PrimitiveSGA))] public partial Layer Sga { get; }

    [Forward]
    Tensor Forward()
    {
        var y = Sa(Y);
        return Tensor.Concat([Sga(X, y), y], axis: 1);
    }
}

/// <summary>
/// GA with padding masks on both sides: the image regions and the question are both token ids through embeddings
/// with MaskZero (a float [Input] carries no mask), so GA's keys are masked where the question is padded and the
/// pooled mean skips the padded regions.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class MaskedGa
{
    [Input(3)] public partial Tensor Regions { get; }
    [Input(4)] public partial Tensor Question { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer RegionEmbed { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [GA(2, Hidden = 16)] public partial Layer Ga { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(Ga(RegionEmbed(Regions), Embed(Question)), axis: 1));
}

/// <summary>
/// SGA with padding masks on both sides: the self-attention's keys masked by the regions' padding, the guided
/// attention's by the question's; reduced by an attentional reduction of two glimpses that leaves the padded regions out.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class MaskedSga
{
    [Input(3)] public partial Tensor Regions { get; }
    [Input(4)] public partial Tensor Question { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer RegionEmbed { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [SGA(2, Hidden = 16)] public partial Layer Sga { get; }
    [AttentionReduction(4, Glimpses = 2)] public partial Layer Reduce { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Reduce(Sga(RegionEmbed(Regions), Embed(Question))));
}

/// <summary>
/// A tiny MCAN encoder-decoder of depth 2 (mca.py's MCA_ED): two SA on the question Y, then two SGA on the image X,
/// each guided by the encoder's last output (the question's padded tokens masked as keys). Each modality is reduced
/// by MCAN's attentional reduction (the padded tokens left out of its softmax), the sum normalised and classified
/// over 4 answers.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class TinyMcan
{
    [Input(4)] public partial Tensor Question { get; }
    [Input(3, 6)] public partial Tensor Image { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [Dense(8)] public partial Layer ImageProjection { get; }
    [Repeat(2), SA(2, Hidden = 16)] public partial Layer[] Encoder { get; }
    [Repeat(2), SGA(2, Hidden = 16)] public partial Layer[] Decoder { get; }
    [AttentionReduction(6)] public partial Layer QuestionReduce { get; }
    [AttentionReduction(6)] public partial Layer ImageReduce { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Dense(4, Activation.Softmax)] public partial Layer Classifier { get; }

    [Forward]
    Tensor Forward()
    {
        var y = Embed(Question);
        foreach (var sa in Encoder)
        {
            y = sa(y);
        }

        var x = ImageProjection(Image);
        foreach (var sga in Decoder)
        {
            x = sga(x, y);
        }

        return Classifier(Norm(QuestionReduce(y) + ImageReduce(x)));
    }
}

/// <summary>
/// <see cref="TinyMcan"/> going deep by stacking (the paper's MCA stacked L times) instead of encoder-decoder: layer i's
/// SGA is guided by layer i's SA output, not by the encoder's last.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class TinyStackedMcan
{
    [Input(4)] public partial Tensor Question { get; }
    [Input(3, 6)] public partial Tensor Image { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [Dense(8)] public partial Layer ImageProjection { get; }
    [Repeat(2), SA(2, Hidden = 16)] public partial Layer[] Encoder { get; }
    [Repeat(2), SGA(2, Hidden = 16)] public partial Layer[] Decoder { get; }
    [AttentionReduction(6)] public partial Layer QuestionReduce { get; }
    [AttentionReduction(6)] public partial Layer ImageReduce { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Dense(4, Activation.Softmax)] public partial Layer Classifier { get; }

    [Forward]
    Tensor Forward()
    {
        var y = Embed(Question);
        var x = ImageProjection(Image);
        for (int i = 0; i < Encoder.Length; i++)
        {
            y = Encoder[i](y);
            x = Decoder[i](x, y);
        }

        return Classifier(Norm(QuestionReduce(y) + ImageReduce(x)));
    }
}

/// <summary><see cref="TinyMcan"/> with every unit replaced by the block written out as its attribute documents it: the same parameters by name.</summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class TinyMcanBodies
{
    [Input(4)] public partial Tensor Question { get; }
    [Input(3, 6)] public partial Tensor Image { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [Dense(8)] public partial Layer ImageProjection { get; }
    [Repeat(2), Block(typeof(SABody))] public partial Layer[] Encoder { get; }
    [Repeat(2), Block(typeof(SGABody))] public partial Layer[] Decoder { get; }
    [Block(typeof(AttentionReductionBody))] public partial Layer QuestionReduce { get; }
    [Block(typeof(AttentionReductionBody))] public partial Layer ImageReduce { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Dense(4, Activation.Softmax)] public partial Layer Classifier { get; }

    [Forward]
    Tensor Forward()
    {
        var y = Embed(Question);
        foreach (var sa in Encoder)
        {
            y = sa(y);
        }

        var x = ImageProjection(Image);
        foreach (var sga in Decoder)
        {
            x = sga(x, y);
        }

        return Classifier(Norm(QuestionReduce(y) + ImageReduce(x)));
    }
}
