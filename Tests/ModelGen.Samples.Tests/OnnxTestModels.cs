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
