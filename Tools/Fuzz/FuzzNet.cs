namespace ModelGen.Tools.Fuzz;

/// <summary>
/// The network whose weight files the weights target mutates: rank-4 convolution weights, a BatchNorm over maps and
/// one over features (two running variances), dense layers.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(2, 9, 8)]
[Conv2D(4, 3, 2, Padding = Padding.Same, Activation = Activation.ReLU)]
[BatchNorm]
[AvgPool2D(2)]
[Flatten]
[Dense(8, Activation.ReLU)]
[BatchNorm]
[Dense(3, Activation.Softmax)]
public partial class FuzzNet;
