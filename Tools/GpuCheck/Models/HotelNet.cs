namespace ModelGen.Tools.GpuCheck.Models;

/// <summary>The hotel-cancellation MLP of DESIGN.md section 6 (workload 1).</summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(63)]
[BatchNorm]
[Dense(256, Activation.ReLU)]
[BatchNorm, Dropout(0.3)]
[Dense(256, Activation.ReLU)]
[BatchNorm, Dropout(0.3)]
[Dense(1, Activation.Sigmoid)]
public partial class HotelNet;
