namespace ModelGen.Runtime.Tests.Models;

// Keras' Masking layer on float inputs: image regions (B, R, 8) padded with all-zero rows, the question (B, 4) token
// ids padded with 0 through an embedding with MaskZero, so MCAN's units see padding masks on both sides; and a
// sequential Masking before an LSTM.

/// <summary>
/// GA with the regions masked by [Masking]: each region is multiplied by its projection before the masking, so a
/// padded (all-zero) region stays all zero whatever the weights, while the projection's gradient passes back through
/// the masking. GA's keys are masked where the question is padded; the mean over the regions skips the padded ones.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class MaskingGa
{
    [Input(3, 8)] public partial Tensor Regions { get; }
    [Input(4)] public partial Tensor Question { get; }
    [Dense(8)] public partial Layer Project { get; }
    [Masking] public partial Layer Mask { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [GA(2, Hidden = 16)] public partial Layer Ga { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(Ga(Mask(Regions * Project(Regions)), Embed(Question)), axis: 1));
}

/// <summary>
/// SGA with the regions masked as in <see cref="MaskingGa"/>: the self-attention's keys masked by the regions'
/// padding, the guided attention's by the question's, and MCAN's attentional reduction leaving the padded regions
/// out of its softmax.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class MaskingSga
{
    [Input(3, 8)] public partial Tensor Regions { get; }
    [Input(4)] public partial Tensor Question { get; }
    [Dense(8)] public partial Layer Project { get; }
    [Masking] public partial Layer Mask { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [SGA(2, Hidden = 16)] public partial Layer Sga { get; }
    [AttentionReduction(4)] public partial Layer Reduce { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Reduce(Sga(Mask(Regions * Project(Regions)), Embed(Question))));
}

/// <summary>
/// MCAN's image side as a sample feeds it: the regions masked, then projected (a padded region becomes the
/// projection's bias, which only the mask keeps out), SGA guided by the question, the attentional reduction. Over 3
/// regions; <see cref="PaddedRegions5"/> is the same network over 5.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class PaddedRegions3
{
    [Input(3, 8)] public partial Tensor Regions { get; }
    [Input(4)] public partial Tensor Question { get; }
    [Masking] public partial Layer Mask { get; }
    [Dense(8)] public partial Layer Project { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [SGA(2, Hidden = 16)] public partial Layer Sga { get; }
    [AttentionReduction(4)] public partial Layer Reduce { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Reduce(Sga(Project(Mask(Regions)), Embed(Question))));
}

/// <summary><see cref="PaddedRegions3"/> over 5 regions, the same parameters.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class PaddedRegions5
{
    [Input(5, 8)] public partial Tensor Regions { get; }
    [Input(4)] public partial Tensor Question { get; }
    [Masking] public partial Layer Mask { get; }
    [Dense(8)] public partial Layer Project { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [SGA(2, Hidden = 16)] public partial Layer Sga { get; }
    [AttentionReduction(4)] public partial Layer Reduce { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Reduce(Sga(Project(Mask(Regions)), Embed(Question))));
}

/// <summary><see cref="PaddedRegions5"/> without the masking: the padded regions' biases are attended to and reduced.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class UnmaskedRegions5
{
    [Input(5, 8)] public partial Tensor Regions { get; }
    [Input(4)] public partial Tensor Question { get; }
    [Dense(8)] public partial Layer Project { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [SGA(2, Hidden = 16)] public partial Layer Sga { get; }
    [AttentionReduction(4)] public partial Layer Reduce { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Reduce(Sga(Project(Regions), Embed(Question))));
}

/// <summary>A float sequence (5 steps of 3 features) padded with all-zero steps, masked, into an LSTM's last unmasked state.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(5, 3)]
[Masking]
[LSTM(6)]
[Dense(1)]
public partial class MaskedFloatSequence;
