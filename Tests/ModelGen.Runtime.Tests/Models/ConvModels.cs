namespace ModelGen.Runtime.Tests.Models;

/// <summary>
/// The smooth map kinds in one chain (so that finite differences see no kink): a same-padded convolution with a
/// non-square kernel, BatchNorm per channel, average pooling, a strided convolution, dropout on maps, overlapping
/// average pooling and global pooling, then the fused softmax head.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(2, 9, 8)]
[Conv2D(4, 3, 2, Padding = Padding.Same, Activation = Activation.Tanh)]
[BatchNorm]
[AvgPool2D(2)]
[Conv2D(5, 2, Stride = 2, Padding = Padding.Same, Activation = Activation.Sigmoid)]
[Dropout(0.2)]
[AvgPool2D(2, Stride = 1)]
[GlobalAvgPool2D]
[Dense(3, Activation.Softmax)]
public partial class MapNet;

/// <summary>
/// The design's CNN shape at a small size, made smooth for finite differences: tanh for ReLU and average for max
/// pooling (a step of one kernel weight moves every position of its map, so it moves some window's arg-max, and
/// the loss has a kink there; max pooling's backward is checked against finite differences in the kernel tests,
/// where the inputs keep the maxima apart). Convolutions, pooling, Flatten, a dense layer and the fused softmax.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(1, 8, 8)]
[Conv2D(3, 3, Activation = Activation.Tanh)]
[AvgPool2D(3)]
[Conv2D(4, 2, Activation = Activation.Tanh)]
[Flatten]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.Softmax)]
public partial class SmallCnn;

/// <summary>The twin of Fixtures/make_torch_conv_fixture.py's TorchConvNet: PyTorch's names and layouts load as they are.</summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(2, 9, 8)]
[Conv2D(4, 3, Stride = 2, Padding = Padding.Same, Activation = Activation.ReLU)]
[BatchNorm]
[MaxPool2D(2, Stride = 1)]
[Conv2D(6, 2, Activation = Activation.Tanh)]
[AvgPool2D(2, Stride = 1)]
[Flatten]
[Dense(5, Activation.Softmax)]
public partial class TorchConvNet;

/// <summary>The CNN of DESIGN.md section 6 with dropout and BatchNorm on maps, at a small size, for training tests.</summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(1, 12, 12)]
[Conv2D(8, 3, Activation = Activation.ReLU)]
[BatchNorm]
[MaxPool2D(2)]
[Conv2D(16, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
[Dropout(0.25)]
[MaxPool2D(2)]
[Flatten]
[Dense(32, Activation.ReLU)]
[Dense(4, Activation.Softmax)]
public partial class TrainCnn;
