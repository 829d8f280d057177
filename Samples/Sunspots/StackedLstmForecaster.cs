namespace ModelGen.Samples.Sunspots;

/// <summary>
/// Two LSTMs stacked: the first returns its state at every step (ReturnSequences), the second reads that sequence
/// and its last state gives next year's standardised value.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(SunspotWindows.Window, 1)]
[LSTM(32, ReturnSequences = true)]
[LSTM(32)]
[Dense(1)]
public partial class StackedLstmForecaster;
