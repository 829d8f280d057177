namespace ModelGen.Generator.Tests.Graph;

/// <summary>Graph-model sources the generator tests compile.</summary>
internal static class GraphModels
{
    /// <summary>A residual MLP with two inputs, a shared layer called twice, a Concat, a Split and a scaled sum.</summary>
    public const string Residual = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.BinaryCrossEntropy)]
        public partial class TwoTowers
        {
            [Input(8)] public partial Tensor Left { get; }
            [Input(8)] public partial Tensor Right { get; }
            [Dense(8, Activation.ReLU)] public partial Layer Shared { get; }
            [Dense(4)] public partial Layer Mix { get; }
            [Dense(1, Activation.Sigmoid)] public partial Layer Head { get; }

            [Forward]
            Tensor Forward()
            {
                var a = Shared(Left) + Left;
                var b = Shared(Right);
                var both = Tensor.Concat([a, b * 0.5f], axis: -1);
                var halves = Tensor.Split(both, 2);
                return Head(Mix(halves[0] - halves[1]));
            }
        }
        """;

    /// <summary>The founding document's attention formula over a sequence, a loop of three residual blocks, and a mean over time.</summary>
    public const string Formula = """
        using System;
        using ModelGen;

        namespace Demo;

        [Model]
        public partial class Block
        {
            [Input(6, 4)] public partial Tensor X { get; }
            [Dense(4, Activation.Tanh)] public partial Layer Inner { get; }

            [Forward]
            Tensor Forward() => X + Inner(X);
        }

        [Model(Loss = Loss.MeanSquaredError)]
        public partial class Formula
        {
            [Input(6, 4)] public partial Tensor X { get; }
            [Dense(4)] public partial Layer Query { get; }
            [Dense(4)] public partial Layer Key { get; }
            [Dense(4)] public partial Layer Value { get; }
            [Repeat(3), Block(typeof(Block))] public partial Layer[] Blocks { get; }
            [Dense(1)] public partial Layer Head { get; }

            [Forward]
            Tensor Forward()
            {
                var scores = Tensor.MatMul(Query(X), Key(X), transposeB: true) / MathF.Sqrt(4);
                var attended = Tensor.MatMul(Tensor.Softmax(scores), Value(X));
                for (int i = 0; i < Blocks.Length; i++)
                {
                    attended = Blocks[i](attended);
                }

                var heads = Tensor.Transpose(Tensor.Reshape(attended, 6, 2, 2), 1, 2);
                return Head(Tensor.Mean(Tensor.Reshape(Tensor.Transpose(heads, 1, 2), 6, 4), axis: 1));
            }
        }
        """;
}
