namespace ModelGen.Samples.Tests;

/// <summary>
/// Float sequences with padded steps (all features 0) masked by [Masking] for self-attention's keys, then LayerNorm,
/// Flatten and a GELU: the ONNX export's mask, attention and GELU steps on a model no sample has.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(6, 4)]
[Masking]
[MultiHeadAttention(2)]
[LayerNorm]
[Flatten]
[Dense(3, Activation.Gelu)]
[Dense(1)]
public partial class MaskedAttentionNet;

/// <summary>
/// Token ids with padding (id 0, masked) anywhere: a GRU returning every step, then a ReLU SimpleRNN that skips the
/// padded steps too, then a Dense: the ONNX export's step-by-step masked recurrence with sequences and a last state.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(7)]
[Embedding(20, 5, MaskZero = true)]
[GRU(4, ReturnSequences = true)]
[SimpleRNN(3, Activation.ReLU)]
[Dense(2)]
public partial class MaskedRecurrentNet;
