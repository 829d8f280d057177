namespace ModelGen.Benchmarks.Models;

/// <summary>The hotel-booking cancellation MLP of DESIGN.md section 1 (workload 1 of section 6), compiled by the generator.</summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(63)]
[BatchNorm]
[Dense(256, Activation.ReLU)]
[BatchNorm, Dropout(0.3)]
[Dense(256, Activation.ReLU)]
[BatchNorm, Dropout(0.3)]
[Dense(1, Activation.Sigmoid)]
public partial class HotelNet;
