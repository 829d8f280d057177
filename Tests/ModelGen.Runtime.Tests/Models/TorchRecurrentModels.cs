namespace ModelGen.Runtime.Tests.Models;

/// <summary>
/// The twin of Fixtures/make_torch_recurrent_fixture.py's TorchLstm: nn.LSTM(3, 4, batch_first=True), its last state into
/// nn.Linear(4, 2); PyTorch's names, layouts and gate order (i, f, g, o) load as they are.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[LSTM(4)]
[Dense(2)]
public partial class TorchLstm;

/// <summary>The twin of TorchGru: nn.GRU(3, 4, batch_first=True), gates (r, z, n), its last state into nn.Linear(4, 2).</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[GRU(4)]
[Dense(2)]
public partial class TorchGru;

/// <summary>The twin of TorchRnn("tanh"): nn.RNN(3, 4, batch_first=True), its last state into nn.Linear(4, 2).</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[SimpleRNN(4)]
[Dense(2)]
public partial class TorchRnnTanh;

/// <summary>The twin of TorchRnn("relu"): nn.RNN(3, 4, nonlinearity="relu", batch_first=True), then nn.Linear(4, 2).</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[SimpleRNN(4, Activation.ReLU)]
[Dense(2)]
public partial class TorchRnnRelu;

/// <summary>The twin of TorchStacked: an nn.LSTM returning every step into an nn.GRU(4, 3), its last state into nn.Linear(3, 2).</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[LSTM(4, ReturnSequences = true)]
[GRU(3)]
[Dense(2)]
public partial class TorchStacked;

/// <summary>The twin of TorchRnnSequence: nn.RNN(3, 4) returning every step, nn.Linear(4, 2) applied at each step, (5, 2) out.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[SimpleRNN(4, ReturnSequences = true)]
[Dense(2)]
public partial class TorchRnnSequence;
