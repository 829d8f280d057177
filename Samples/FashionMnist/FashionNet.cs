namespace ModelGen.Samples.FashionMnist;

/// <summary>
/// DESIGN.md's standard CNN workload: a 28x28 greyscale image, two 3x3 convolutions (32 and 64 filters, ReLU) each
/// followed by 2x2 max pooling, a hidden layer of 128 ReLU units, and the probabilities of the ten classes.
/// The generator checks every shape at build time: (1, 28, 28) -> (32, 26, 26) -> (32, 13, 13) -> (64, 11, 11)
/// -> (64, 5, 5) -> 1,600 -> 128 -> 10.
/// </summary>
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
