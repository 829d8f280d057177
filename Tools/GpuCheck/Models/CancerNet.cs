namespace ModelGen.Tools.GpuCheck.Models;

/// <summary>The foundation's breast-cancer network (30 features).</summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(30)]
[Dense(64, Activation.ReLU)]
[BatchNorm, Dropout(0.2)]
[Dense(1, Activation.Sigmoid)]
public partial class CancerNet;
