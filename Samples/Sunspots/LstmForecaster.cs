namespace ModelGen.Samples.Sunspots;

/// <summary>An LSTM over the window, its last state to one output: next year's standardised value.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(SunspotWindows.Window, 1)]
[LSTM(32)]
[Dense(1)]
public partial class LstmForecaster;
