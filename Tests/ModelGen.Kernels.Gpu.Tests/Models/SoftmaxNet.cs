namespace ModelGen.Kernels.Gpu.Tests.Models;

/// <summary>Three classes, softmax fused with sparse categorical cross-entropy, with a tanh hidden layer.</summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(4)]
[Dense(8, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class SoftmaxNet;
