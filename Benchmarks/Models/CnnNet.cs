namespace ModelGen.Benchmarks.Models;

/// <summary>
/// The small CNN of DESIGN.md section 6 (workload 2), layer for layer the peer's SmallCNN: 1x28x28, two valid
/// 3x3 convolutions (32 and 64 filters, ReLU) each followed by a 2x2 max-pool, flattened (64x5x5 = 1,600), a dense
/// layer of 128 (ReLU) and 10 softmax outputs, sparse categorical cross-entropy (the peer's CrossEntropyLoss on logits).
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(32, 3, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class CnnNet;
