namespace ModelGen.Samples.Tests;

/// <summary>
/// A small CNN for scikit-learn's 8x8 digits: (1, 8, 8) -> 16 3x3 same-padded filters -> 2x2 max pooling -> 32 3x3
/// same-padded filters -> 512 -> 64 -> the ten digits' probabilities.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(1, 8, 8)]
[Conv2D(16, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(32, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
[Flatten]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class DigitsNet;
