namespace ModelGen.Runtime.Tests.Models;

/// <summary>LayerNorm over flat samples between two dense layers (so gamma, beta and dx are all checked).</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(5, Activation.Tanh)]
[LayerNorm]
[Dense(2)]
public partial class LayerNormFlat;

/// <summary>LayerNorm over each step of a sequence (4 rows of 5 per sample), a dense layer at every step before and after.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(4, 3)]
[Dense(5)]
[LayerNorm(Epsilon = 1e-2)]
[Dense(2)]
public partial class LayerNormSequence;

/// <summary>Self-attention of two heads (KeyDim 4) over a sequence of five steps, a dense layer before and after.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[Dense(8)]
[MultiHeadAttention(2)]
[Dense(1)]
public partial class SelfAttention;

/// <summary>Self-attention with dropout on the probabilities (the gradient check replays the same masks).</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[Dense(6)]
[MultiHeadAttention(3, Dropout = 0.25)]
[Dense(1)]
public partial class SelfAttentionDropout;

/// <summary>Self-attention over padded token ids: the embedding's mask keeps padded keys out of every softmax.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Embedding(10, 6, MaskZero = true)]
[MultiHeadAttention(2, KeyDim = 3)]
[Dense(1)]
public partial class MaskedSelfAttention;

/// <summary>A learned position table added after a dense layer at every step.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(4, 3)]
[Dense(3)]
[PositionEmbedding(4)]
[Dense(2)]
public partial class PositionTable;

/// <summary>A ReLU feed-forward block (hidden 7) on a sequence.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(4, 3)]
[Dense(5)]
[FeedForward(7)]
[Dense(2)]
public partial class FeedForwardRelu;

/// <summary>A GELU feed-forward block on a sequence.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(4, 3)]
[Dense(5)]
[FeedForward(7, Activation = Activation.Gelu)]
[Dense(2)]
public partial class FeedForwardGelu;

/// <summary>A GELU feed-forward block on flat samples, first layer (its input needs no gradient).</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(6)]
[FeedForward(8, Activation = Activation.Gelu)]
[Dense(2)]
public partial class FeedForwardFlat;

/// <summary>Dense with GELU, as Keras' Dense(..., activation="gelu").</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(6, Activation.Gelu)]
[Dense(1)]
public partial class DenseGelu;

/// <summary>An encoder block over padded tokens: positions, masked self-attention, layer norms and a GELU feed-forward.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Embedding(12, 8, MaskZero = true)]
[PositionEmbedding(5)]
[MultiHeadAttention(2)]
[LayerNorm]
[FeedForward(16, Activation = Activation.Gelu)]
[LayerNorm]
[Dense(1)]
public partial class TinyEncoder;
