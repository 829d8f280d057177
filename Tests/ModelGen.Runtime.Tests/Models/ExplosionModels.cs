namespace ModelGen.Runtime.Tests.Models;

/// <summary>A plain tanh SimpleRNN over 5 steps, its last state into a linear unit; the short one of the three.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[SimpleRNN(8)]
[Dense(1)]
public partial class TanhRnnFive;

/// <summary>The same layers over 20 steps: the same parameters, so the same seed starts it with the same weights.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(20, 3)]
[SimpleRNN(8)]
[Dense(1)]
public partial class TanhRnnTwenty;

/// <summary>The same layers over 40 steps.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(40, 3)]
[SimpleRNN(8)]
[Dense(1)]
public partial class TanhRnnForty;
