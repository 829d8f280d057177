namespace ModelGen.Kernels.Gpu.Tests.Models;

/// <summary>Every convolutional kind in a small CNN: strided same convolution, BatchNorm per channel, max and average pooling, dropout on maps.</summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(1, 10, 10)]
[Conv2D(6, 3, Activation = Activation.ReLU)]
[BatchNorm]
[MaxPool2D(2)]
[Conv2D(8, 3, Stride = 2, Padding = Padding.Same, Activation = Activation.ReLU)]
[Dropout(0.2)]
[AvgPool2D(2, Stride = 1)]
[Flatten]
[Dense(3, Activation.Softmax)]
public partial class GpuCnn;
