namespace ModelGen.Samples.HotelCancellations;

/// <summary>
/// The course's cancellation model: 63 prepared features, batch normalisation on the inputs, two hidden layers of
/// 256 ReLU units each followed by batch normalisation and dropout 0.3, and the probability of a cancellation.
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(63)]
[BatchNorm]
[Dense(256, Activation.ReLU)]
[BatchNorm, Dropout(0.3)]
[Dense(256, Activation.ReLU)]
[BatchNorm, Dropout(0.3)]
[Dense(1, Activation.Sigmoid)]
public partial class HotelNet;
