namespace ModelGen.Samples.BreastCancer;

/// <summary>
/// A small classifier for the breast-cancer data: 30 features, one hidden layer, the probability of "benign".
/// The generator compiles it at build time (see obj/.../generated/ for the emitted passes).
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(30)]
[Dense(64, Activation.ReLU)]
[BatchNorm, Dropout(0.2)]
[Dense(1, Activation.Sigmoid)]
public partial class CancerNet;
