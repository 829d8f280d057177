namespace ModelGen.Kernels.Gpu.Tests.Models;

/// <summary>
/// A tiny MCAN encoder-decoder of MCAN's units: the question (token ids, 0 padding) through two SA, the image regions
/// through two SGA guided by it, an attentional reduction of each, LayerNorm of their sum and a softmax over 4 answers.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class GpuMcan
{
    [Input(5)] public partial Tensor Question { get; }
    [Input(4, 6)] public partial Tensor Regions { get; }
    [Embedding(12, 8, MaskZero = true)] public partial Layer Embed { get; }
    [Dense(8)] public partial Layer Project { get; }
    [Repeat(2), SA(2, Hidden = 16)] public partial Layer[] Encoder { get; }
    [Repeat(2), SGA(2, Hidden = 16)] public partial Layer[] Decoder { get; }
    [AttentionReduction(10)] public partial Layer QuestionReduce { get; }
    [AttentionReduction(10, Glimpses = 2)] public partial Layer ImageReduce { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Dense(4, Activation.Softmax)] public partial Layer Classifier { get; }

    [Forward]
    Tensor Forward()
    {
        var y = Embed(Question);
        foreach (var sa in Encoder)
        {
            y = sa(y);
        }

        var x = Project(Regions);
        foreach (var sga in Decoder)
        {
            x = sga(x, y);
        }

        return Classifier(Norm(QuestionReduce(y) + ImageReduce(x)));
    }
}
