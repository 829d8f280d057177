namespace ModelGen.Kernels.Gpu.Tests.Models;

/// <summary>
/// Keras' Masking on float regions inside a graph: each region times its projection (a padded, all-zero region stays
/// zero, and the projection learns through the masking's backward), masked, SGA guided by the question (token ids,
/// 0 padding), the attentional reduction and a softmax over 3 answers.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class GpuMaskingNet
{
    [Input(5)] public partial Tensor Question { get; }
    [Input(4, 6)] public partial Tensor Regions { get; }
    [Embedding(12, 6, MaskZero = true)] public partial Layer Embed { get; }
    [Dense(6)] public partial Layer Project { get; }
    [Masking] public partial Layer Mask { get; }
    [SGA(2, Hidden = 12)] public partial Layer Sga { get; }
    [AttentionReduction(8)] public partial Layer Reduce { get; }
    [Dense(3, Activation.Softmax)] public partial Layer Classifier { get; }

    [Forward]
    Tensor Forward() => Classifier(Reduce(Sga(Mask(Regions * Project(Regions)), Embed(Question))));
}
