namespace ModelGen.Benchmarks.Models;

/// <summary>
/// The LSTM workload of DESIGN.md section 6 (workload 3), the peer's SeqReg("lstm"): 32 steps of 16 features, an
/// LSTM of 128 units whose last state feeds one linear output, mean squared error.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(32, 16)]
[LSTM(128)]
[Dense(1)]
public partial class LstmReg;

/// <summary>The GRU variant of <see cref="LstmReg"/>, the peer's SeqReg("gru").</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(32, 16)]
[GRU(128)]
[Dense(1)]
public partial class GruReg;

/// <summary>The tanh SimpleRNN variant of <see cref="LstmReg"/>, the peer's SeqReg("rnn_tanh").</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(32, 16)]
[SimpleRNN(128)]
[Dense(1)]
public partial class RnnReg;
