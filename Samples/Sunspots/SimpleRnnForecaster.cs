namespace ModelGen.Samples.Sunspots;

/// <summary>A plain recurrent layer over the window, its last state to one output: next year's standardised value.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(SunspotWindows.Window, 1)]
[SimpleRNN(32)]
[Dense(1)]
public partial class SimpleRnnForecaster;
