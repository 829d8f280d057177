namespace ModelGen.Runtime.Tests.Models;

/// <summary>One step of an LSTM (T = 1): the loop degenerates to the input product and one cell update.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(1, 3)]
[LSTM(4)]
[Dense(1)]
public partial class LstmOneStep;

/// <summary>An LSTM through seven steps, its last state into a dense head.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(7, 3)]
[LSTM(4)]
[Dense(2)]
public partial class LstmSeven;

/// <summary>A GRU through seven steps.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(7, 3)]
[GRU(4)]
[Dense(2)]
public partial class GruSeven;

/// <summary>A tanh SimpleRNN through seven steps.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(7, 3)]
[SimpleRNN(4)]
[Dense(1)]
public partial class RnnSeven;

/// <summary>A stacked pair: an LSTM returning every step feeds a GRU, whose last state feeds the head.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(7, 3)]
[LSTM(4, ReturnSequences = true)]
[GRU(3)]
[Dense(1)]
public partial class StackedPair;

/// <summary>A sequence out: a SimpleRNN returning every step, then a dense layer applied at each step (T, 2).</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[SimpleRNN(4, ReturnSequences = true)]
[Dense(2, Activation.Tanh)]
public partial class RnnSequenceOut;

/// <summary>
/// Token ids with padding (id 0) through an embedding with MaskZero, a masked LSTM returning sequences and a masked GRU
/// returning its last unmasked state, into a sigmoid head.
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(7)]
[Embedding(10, 3, MaskZero = true)]
[LSTM(4, ReturnSequences = true)]
[GRU(3)]
[Dense(1, Activation.Sigmoid)]
public partial class MaskedTokens;
