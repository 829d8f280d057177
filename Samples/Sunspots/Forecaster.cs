using ModelGen.Kernels;

namespace ModelGen.Samples.Sunspots;

/// <summary>One of the networks compared: its key in file names and result.json, its display name, and how to create it.</summary>
/// <param name="Key">Lower-case key (<c>lstm</c>), as Keras names layers.</param>
/// <param name="Name">The name in the table and plots (<c>LSTM</c>).</param>
/// <param name="Create">Creates the network from a batch capacity, a seed and a device.</param>
public sealed record Forecaster(string Key, string Name, Func<int, int, Device, CompiledModel> Create)
{
    /// <summary>The networks of the sample, in the order they train: one of each cell, then two LSTMs stacked.</summary>
    public static IReadOnlyList<Forecaster> All { get; } =
    [
        new("simple_rnn", "SimpleRNN", (batch, seed, device) => new SimpleRnnForecaster(batch, seed, device)),
        new("lstm", "LSTM", (batch, seed, device) => new LstmForecaster(batch, seed, device)),
        new("gru", "GRU", (batch, seed, device) => new GruForecaster(batch, seed, device)),
        new("stacked_lstm", "stacked LSTM", (batch, seed, device) => new StackedLstmForecaster(batch, seed, device)),
    ];
}
