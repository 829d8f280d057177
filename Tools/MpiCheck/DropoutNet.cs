namespace ModelGen.Tools.MpiCheck;

/// <summary>
/// The breast-cancer MLP without BatchNorm: with per-rank batch statistics a BatchNorm normalises each rank's rows by
/// their own moments, so only a network without one trains to the weights of a single process.
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(30)]
[Dense(32, Activation.ReLU)]
[Dropout(0.2)]
[Dense(1, Activation.Sigmoid)]
public partial class DropoutNet;
