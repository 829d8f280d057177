namespace ModelGen.Generator.Tests;

/// <summary>Model declarations shared by the tests.</summary>
internal static class Models
{
    public const string CancerNet = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.BinaryCrossEntropy)]
        [Input(30)]
        [Dense(64, Activation.ReLU)]
        [BatchNorm, Dropout(0.2)]
        [Dense(1, Activation.Sigmoid)]
        public partial class CancerNet;
        """;

    /// <summary>Softmax fused with categorical cross-entropy, block namespace.</summary>
    public const string Classifier = """
        using ModelGen;

        namespace Demo.Vision
        {
            [Model(Loss = Loss.CategoricalCrossEntropy)]
            [Input(784)]
            [Dense(128, Activation.ReLU, Name = "hidden")]
            [Dropout(0.5)]
            [Dense(10, Activation.Softmax, Name = "classes")]
            public partial class DigitNet
            {
            }
        }
        """;

    /// <summary>Regression with a linear output, global namespace.</summary>
    public const string Regression = """
        using ModelGen;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(8)]
        [Dense(16, Activation.Tanh)]
        [Dense(16, Activation.ReLU)]
        [Dense(1)]
        internal partial class HousePrice;
        """;

    /// <summary>A standalone Tanh activation, BatchNorm first, and a sparse softmax through a standalone activation.</summary>
    public const string Standalone = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.SparseCategoricalCrossEntropy)]
        [Input(12)]
        [BatchNorm(Momentum = 0.9, Epsilon = 1e-5)]
        [Dense(32), Activation(Activation.Tanh)]
        [Dense(3)]
        [Activation(Activation.Softmax)]
        public sealed partial class IrisNet;
        """;

    /// <summary>A sigmoid output under mean squared error: not fused, so backward starts with the sigmoid's derivative.</summary>
    public const string Unfused = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(6)]
        [Dense(4, Activation.Sigmoid)]
        [Dropout(0.25)]
        [Dense(2, Activation.Sigmoid)]
        public partial class Squash;
        """;

    /// <summary>
    /// Two dropouts in a row before a Dense are skipped at inference (the Dense reads their input); a third, whose
    /// output is the logits of a standalone sigmoid fused into the loss, is copied.
    /// </summary>
    public const string DropoutLogits = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.BinaryCrossEntropy)]
        [Input(5)]
        [Dense(4, Activation.ReLU)]
        [Dropout(0.5), Dropout(0.25)]
        [Dense(1)]
        [Dropout(0.1)]
        [Activation(Activation.Sigmoid)]
        public partial class Gate;
        """;

    /// <summary>Hinge loss on a tanh output followed by a dropout: the output slot is the dropout's.</summary>
    public const string TrailingDropout = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.Hinge)]
        [Input(6)]
        [Dense(3, Activation.Tanh)]
        [Dropout(0.3)]
        public partial class Margin;
        """;

    /// <summary>The CNN of DESIGN.md section 6: two convolutions with max pooling, Flatten, a softmax head fused with the loss.</summary>
    public const string Cnn = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.SparseCategoricalCrossEntropy)]
        [Input(1, 28, 28)]
        [Conv2D(32, 3, Activation = Activation.ReLU)]
        [MaxPool2D(2)]
        [Conv2D(64, 3, Activation = Activation.ReLU)]
        [MaxPool2D(2)]
        [Flatten]
        [Dense(128, Activation.ReLU)]
        [Dense(10, Activation.Softmax)]
        public partial class FashionNet;
        """;

    /// <summary>
    /// Every map kind: a first convolution that needs no input gradient, same padding with stride 2 and a non-square
    /// kernel, BatchNorm per channel, dropout on maps skipped at inference through a Flatten, average and global pooling.
    /// </summary>
    public const string Maps = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(3, 9, 7)]
        [Conv2D(8, 3, 2, Stride = 2, Padding = Padding.Same, Name = "stem")]
        [BatchNorm]
        [Activation(Activation.ReLU)]
        [AvgPool2D(2, Stride = 1)]
        [Conv2D(4, 1, Activation = Activation.Tanh)]
        [Dropout(0.25)]
        [GlobalAvgPool2D]
        [Dense(2)]
        public partial class MapZoo;
        """;

    /// <summary>Dropout on maps, then Flatten: at inference the dense layer reads the pooling's output.</summary>
    public const string FlattenAfterDropout = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.BinaryCrossEntropy)]
        [Input(2, 6, 6)]
        [Conv2D(3, 3, Activation = Activation.ReLU)]
        [MaxPool2D(2)]
        [Dropout(0.5)]
        [Flatten]
        [Dense(1, Activation.Sigmoid)]
        public partial class Spots;
        """;

    /// <summary>
    /// Token ids through a masked embedding, an LSTM returning every step and a GRU returning its last unmasked state,
    /// into a sigmoid head fused with binary cross-entropy.
    /// </summary>
    public const string Recurrent = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.BinaryCrossEntropy)]
        [Input(12)]
        [Embedding(50, 8, MaskZero = true)]
        [LSTM(16, ReturnSequences = true)]
        [GRU(8)]
        [Dense(1, Activation.Sigmoid)]
        public partial class Reviews;
        """;

    /// <summary>A ReLU SimpleRNN returning every step over (T, F) features, then a dense layer at each step.</summary>
    public const string SequenceToSequence = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(10, 3)]
        [SimpleRNN(6, Activation.ReLU, ReturnSequences = true, Name = "rnn")]
        [Dense(2)]
        public partial class Echo;
        """;
}
