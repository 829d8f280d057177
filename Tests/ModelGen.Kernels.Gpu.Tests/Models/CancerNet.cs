namespace ModelGen.Kernels.Gpu.Tests.Models;

/// <summary>The foundation's example (as in the runtime tests): BatchNorm, dropout and the fused sigmoid + binary cross-entropy.</summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(30)]
[Dense(64, Activation.ReLU)]
[BatchNorm, Dropout(0.2)]
[Dense(1, Activation.Sigmoid)]
public partial class CancerNet;
