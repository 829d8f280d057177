using System;

namespace ModelGen.Kernels.Gpu.Tests.Models;

/// <summary>An encoder block as a graph model: attention with dropout, residuals, LayerNorm, a GELU feed-forward.</summary>
[Model]
public partial class GpuEncoderBlock
{
    [Input(6, 8)] public partial Tensor X { get; }
    [MultiHeadAttention(2, Dropout = 0.1)] public partial Layer Attention { get; }
    [LayerNorm] public partial Layer Norm1 { get; }
    [FeedForward(16, Activation = Activation.Gelu)] public partial Layer Ffn { get; }
    [Dropout(0.1)] public partial Layer Drop { get; }
    [LayerNorm] public partial Layer Norm2 { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Norm1(X + Attention(X));
        return Norm2(x + Drop(Ffn(x)));
    }
}

/// <summary>
/// Every graph operation on one device: a masked embedding with positions, two encoder blocks, the formula's attention
/// by hand (Reshape, Transpose, MatMul, Softmax, scaling), Split, Concat, a product, a difference, a masked mean.
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
public partial class GpuGraphNet
{
    [Input(6)] public partial Tensor Tokens { get; }
    [Embedding(12, 8, MaskZero = true)] public partial Layer Embed { get; }
    [PositionEmbedding(6)] public partial Layer Position { get; }
    [Repeat(2), Block(typeof(GpuEncoderBlock))] public partial Layer[] Blocks { get; }
    [Dense(8)] public partial Layer Query { get; }
    [Dense(8)] public partial Layer Key { get; }
    [Dense(1, Activation.Sigmoid)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Position(Embed(Tokens));
        foreach (var block in Blocks)
        {
            x = block(x);
        }

        var q = Tensor.Transpose(Tensor.Reshape(Query(x), 6, 2, 4), 1, 2);
        var k = Tensor.Transpose(Tensor.Reshape(Key(x), 6, 2, 4), 1, 2);
        var v = Tensor.Transpose(Tensor.Reshape(x, 6, 2, 4), 1, 2);
        var heads = Tensor.MatMul(Tensor.Softmax(Tensor.MatMul(q, k, transposeB: true) / MathF.Sqrt(4)), v);
        var y = Tensor.Reshape(Tensor.Transpose(heads, 1, 2), 6, 8);
        var halves = Tensor.Split(y, 2);
        var mixed = Tensor.Concat([halves[1] * halves[0], halves[0] - halves[1]]) + x;
        return Head(Tensor.Mean(mixed, axis: 1));
    }
}
