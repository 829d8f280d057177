namespace ModelGen.Runtime.Tests.Models;

/// <summary>One wide linear layer, 512 x 512: a 1 MB weight file, large enough for a reader to meet a concurrent writer.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(512)]
[Dense(512)]
public partial class WideNet;
