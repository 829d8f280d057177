using System;

namespace ModelGen.Runtime.Tests.Models;

/// <summary>A residual unit used as a block: x + tanh(Dense(x)), then LayerNorm.</summary>
[Model]
public partial class ResidualUnit
{
    [Input(4, 6)] public partial Tensor X { get; }
    [Dense(6, Activation.Tanh)] public partial Layer Inner { get; }
    [LayerNorm] public partial Layer Norm { get; }

    [Forward]
    Tensor Forward() => Norm(X + Inner(X));
}

/// <summary>A residual block written in the body, pooled over time.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphResidual
{
    [Input(4, 6)] public partial Tensor X { get; }
    [Dense(6, Activation.Tanh)] public partial Layer Inner { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Dense(2)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward()
    {
        var y = Norm(X + Inner(X));
        return Head(Tensor.Mean(y, axis: 1));
    }
}

/// <summary>Two inputs through one shared layer (its gradients add up), a scaled difference, a product and a concat.</summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
public partial class GraphShared
{
    [Input(5)] public partial Tensor Left { get; }
    [Input(5)] public partial Tensor Right { get; }
    [Dense(5, Activation.Tanh)] public partial Layer Shared { get; }
    [Dense(1, Activation.Sigmoid)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward()
    {
        var a = Shared(Left);
        var b = Shared(Right);
        var parts = Tensor.Split(Tensor.Concat([a - b * 0.5f, a * b]), 2);
        return Head(parts[0] + parts[1] + a);
    }
}

/// <summary>A nested model used as a layer (parameters under encoder.).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphNested
{
    [Input(4, 6)] public partial Tensor X { get; }
    [Block(typeof(ResidualUnit))] public partial Layer Encoder { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(Encoder(X), axis: 1));
}

/// <summary>A loop of three blocks, each with its own weights (blocks.0. to blocks.2.).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphLoop
{
    [Input(4, 6)] public partial Tensor X { get; }
    [Repeat(3), Block(typeof(ResidualUnit))] public partial Layer[] Blocks { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward()
    {
        var x = X;
        for (int i = 0; i < Blocks.Length; i++)
        {
            x = Blocks[i](x);
        }

        return Head(Tensor.Mean(x, axis: 1));
    }
}

/// <summary>Self-attention over a masked embedding with a residual connection, pooled over the unmasked steps.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphMaskedAttention
{
    [Input(5)] public partial Tensor Tokens { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [MultiHeadAttention(2)] public partial Layer Attention { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Embed(Tokens);
        x = Norm(x + Attention(x));
        return Head(Tensor.Mean(x, axis: 1));
    }
}

/// <summary>Attention with queries from one input and keys and values from another.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphCrossAttention
{
    [Input(3, 4)] public partial Tensor Queries { get; }
    [Input(5, 4)] public partial Tensor Context { get; }
    [MultiHeadAttention(2)] public partial Layer Attention { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(Attention(Queries, Context), axis: 1));
}

/// <summary>The founding document's formula written by hand: softmax(Q K^T / sqrt(d)) V with Q, K, V projections.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class FormulaAttention
{
    [Input(5, 4)] public partial Tensor X { get; }
    [Dense(4)] public partial Layer Query { get; }
    [Dense(4)] public partial Layer Key { get; }
    [Dense(4)] public partial Layer Value { get; }
    [Dense(4)] public partial Layer Output { get; }

    [Forward]
    Tensor Forward()
    {
        var scores = Tensor.MatMul(Query(X), Key(X), transposeB: true) / MathF.Sqrt(4);
        return Output(Tensor.MatMul(Tensor.Softmax(scores), Value(X)));
    }
}

/// <summary>The same computation as <see cref="FormulaAttention"/> through the layer with one head.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class LayerAttention
{
    [Input(5, 4)] public partial Tensor X { get; }
    [MultiHeadAttention(1)] public partial Layer Attention { get; }

    [Forward]
    Tensor Forward() => Attention(X);
}

/// <summary>Multi-head attention written by hand with Reshape and Transpose (two heads of 2).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class FormulaTwoHeads
{
    [Input(5, 4)] public partial Tensor X { get; }
    [Dense(4)] public partial Layer Query { get; }
    [Dense(4)] public partial Layer Key { get; }
    [Dense(4)] public partial Layer Value { get; }
    [Dense(4)] public partial Layer Output { get; }

    [Forward]
    Tensor Forward()
    {
        var q = Tensor.Transpose(Tensor.Reshape(Query(X), 5, 2, 2), 1, 2);
        var k = Tensor.Transpose(Tensor.Reshape(Key(X), 5, 2, 2), 1, 2);
        var v = Tensor.Transpose(Tensor.Reshape(Value(X), 5, 2, 2), 1, 2);
        var heads = Tensor.MatMul(Tensor.Softmax(Tensor.MatMul(q, k, transposeB: true) * (1 / MathF.Sqrt(2))), v);
        return Output(Tensor.Reshape(Tensor.Transpose(heads, 1, 2), 5, 4));
    }
}

/// <summary>The same as <see cref="FormulaTwoHeads"/> through the layer.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class LayerTwoHeads
{
    [Input(5, 4)] public partial Tensor X { get; }
    [MultiHeadAttention(2)] public partial Layer Attention { get; }

    [Forward]
    Tensor Forward() => Attention(X);
}

/// <summary>
/// MCAN's attentional reduction over a masked sequence: an MLP scores each position, a softmax over the positions
/// (axis 1, honouring the padding mask), the weighted sum, a projection.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphAttentionPool
{
    [Input(5)] public partial Tensor Tokens { get; }
    [Embedding(10, 6, MaskZero = true)] public partial Layer Embed { get; }
    [Dense(4, Activation.ReLU)] public partial Layer Mlp { get; }
    [Dense(2)] public partial Layer Score { get; }
    [Dense(3)] public partial Layer Merge { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Embed(Tokens);
        var weights = Tensor.Softmax(Score(Mlp(x)), axis: 1);          // (5, 2): two glimpses over the positions
        var pooled = Tensor.MatMul(weights, x, transposeA: true);       // (2, 6)
        return Merge(Tensor.Reshape(pooled, 12));
    }
}

/// <summary>A softmax over the middle axis of an unmasked (3, 4, 2) tensor.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphMiddleSoftmax
{
    [Input(3, 8)] public partial Tensor X { get; }
    [Dense(8)] public partial Layer Inner { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Reshape(Tensor.Softmax(Tensor.Reshape(Inner(X), 3, 4, 2), axis: 2), 24));
}

/// <summary>Two masked sequences summed: a step is kept where both keep it (Keras' merge), then pooled over the kept steps.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphMergedMasks
{
    [Input(4)] public partial Tensor Left { get; }
    [Input(4)] public partial Tensor Right { get; }
    [Embedding(8, 3, MaskZero = true)] public partial Layer EmbedLeft { get; }
    [Embedding(8, 3, MaskZero = true)] public partial Layer EmbedRight { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(EmbedLeft(Left) + EmbedRight(Right), axis: 1));
}

/// <summary>LayerNorm, a GELU feed-forward and self-attention, each called on two inputs with the same weights.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphSharedBlocks
{
    [Input(4, 6)] public partial Tensor X { get; }
    [Input(4, 6)] public partial Tensor Y { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [FeedForward(8, Activation = Activation.Gelu)] public partial Layer Ffn { get; }
    [MultiHeadAttention(2)] public partial Layer Attention { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward()
    {
        var a = Norm(Ffn(X) + Attention(X));
        var b = Norm(Ffn(Y) + Attention(Y));
        return Head(Tensor.Mean(a - b * 0.5f, axis: 1));
    }
}

/// <summary>A feed-forward block with dropout between its projections (PyTorch's TransformerEncoderLayer, MCAN's FFN).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphFeedForwardDropout
{
    [Input(4, 6)] public partial Tensor X { get; }
    [FeedForward(10, Dropout = 0.3)] public partial Layer Ffn { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(X + Ffn(X), axis: 1));
}

/// <summary>A residual unit over sequences of any length ([Input(-1, 6)]): a layer of other models only.</summary>
[Model]
public partial class AnyLengthUnit
{
    [Input(-1, 6)] public partial Tensor X { get; }
    [MultiHeadAttention(2)] public partial Layer Attention { get; }
    [LayerNorm] public partial Layer Norm { get; }

    [Forward]
    Tensor Forward() => Norm(X + Attention(X));
}

/// <summary>The same unit on a 4-step and a 3-step sequence (two members, two sets of weights).</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphAnyLength
{
    [Input(4, 6)] public partial Tensor Long { get; }
    [Input(3, 6)] public partial Tensor Short { get; }
    [Block(typeof(AnyLengthUnit))] public partial Layer OnLong { get; }
    [Block(typeof(AnyLengthUnit))] public partial Layer OnShort { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(OnLong(Long), axis: 1) + Tensor.Mean(OnShort(Short), axis: 1));
}

/// <summary>Two modalities joined along the steps, attended together, and split back by their own lengths.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class GraphUnequalSplit
{
    [Input(3, 4)] public partial Tensor Question { get; }
    [Input(5, 4)] public partial Tensor Image { get; }
    [MultiHeadAttention(2)] public partial Layer Attention { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward()
    {
        var joint = Tensor.Concat([Question, Image], axis: 1);
        var parts = Tensor.Split(joint + Attention(joint), [3, 5], axis: 1);
        return Head(Tensor.Mean(parts[0], axis: 1) - Tensor.Mean(parts[1], axis: 1) * 2f);
    }
}
