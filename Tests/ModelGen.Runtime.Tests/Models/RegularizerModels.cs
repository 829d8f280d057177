namespace ModelGen.Runtime.Tests.Models;

/// <summary>Two linear units under mean squared error, Keras' L2 regulariser on the kernel (kernel_regularizer=L2(0.05)).</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(2, KernelL2 = 0.05f)]
public partial class KernelL2Net;

/// <summary>The same layer with L1 on the kernel and on the bias.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(2, KernelL1 = 0.02f, BiasL1 = 0.03f)]
public partial class KernelBiasL1Net;

/// <summary>The same layer with both factors on the kernel and L2 on the bias.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(2, KernelL1 = 0.01f, KernelL2 = 0.04f, BiasL2 = 0.5f)]
public partial class KernelL1L2Net;

/// <summary>The same layer without regularisers.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(2)]
public partial class PlainDenseNet;

/// <summary>The same layer with every factor given as 0: no regulariser, as Keras' L1L2(0, 0) adds nothing.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(2, KernelL1 = 0f, KernelL2 = 0f, BiasL1 = 0f, BiasL2 = 0f)]
public partial class ZeroFactorDenseNet;

/// <summary>A SimpleRNN with Keras' recurrent_regularizer=L2(0.1) (on weight_hh_l0 alone), then a linear unit.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[SimpleRNN(4, RecurrentL2 = 0.1f)]
[Dense(1)]
public partial class RecurrentL2Rnn;

/// <summary>The same recurrent network without regularisers.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[SimpleRNN(4)]
[Dense(1)]
public partial class PlainRnn;
