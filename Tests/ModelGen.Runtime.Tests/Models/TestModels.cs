namespace ModelGen.Runtime.Tests.Models;

/// <summary>The foundation's example: BatchNorm, dropout and the fused sigmoid + binary cross-entropy.</summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(30)]
[Dense(64, Activation.ReLU)]
[BatchNorm, Dropout(0.2)]
[Dense(1, Activation.Sigmoid)]
public partial class CancerNet;

/// <summary>One linear unit and mean squared error: small enough to work optimizer steps out by hand.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(2)]
[Dense(1)]
public partial class LinearNet;

/// <summary>Three classes, softmax fused with sparse categorical cross-entropy.</summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(4)]
[Dense(3, Activation.Softmax)]
public partial class SoftmaxNet;
