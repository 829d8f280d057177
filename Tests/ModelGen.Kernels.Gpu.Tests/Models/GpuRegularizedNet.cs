namespace ModelGen.Kernels.Gpu.Tests.Models;

/// <summary>Keras' L1 and L2 weight regularisers on both Dense layers' kernels and the first layer's bias.</summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(30)]
[Dense(16, Activation.ReLU, KernelL2 = 0.01f, BiasL1 = 0.002f)]
[Dense(1, Activation.Sigmoid, KernelL1 = 0.005f, KernelL2 = 0.001f)]
public partial class GpuRegularizedNet;

/// <summary>The same network without regularisers.</summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(30)]
[Dense(16, Activation.ReLU)]
[Dense(1, Activation.Sigmoid)]
public partial class GpuPlainNet;
