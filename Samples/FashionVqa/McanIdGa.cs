namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// The ablation ID(Y)-GA(X,Y) of MCAN's encoder-decoder: the question Y as embedded (the identity, no encoder),
/// <see cref="VqaSizes.Depth"/> GA units on the image regions X guided by it. Fusion as in <see cref="McanSaSga"/>.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class McanIdGa
{
    [Input(Vocabulary.QuestionLength)] public partial Tensor Question { get; }
    [Input(Picture.Regions, Picture.RegionWidth)] public partial Tensor Image { get; }
    [Embedding(Vocabulary.WordIds, VqaSizes.Width, MaskZero = true)] public partial Layer Embed { get; }
    [PositionEmbedding(Vocabulary.QuestionLength)] public partial Layer QuestionPosition { get; }
    [Dense(VqaSizes.Width)] public partial Layer ImageProjection { get; }
    [PositionEmbedding(Picture.Regions)] public partial Layer ImagePosition { get; }
    [Repeat(VqaSizes.Depth), GA(VqaSizes.Heads, Hidden = VqaSizes.Hidden)] public partial Layer[] Decoder { get; }
    [AttentionReduction(VqaSizes.ReductionOutputs)] public partial Layer QuestionReduce { get; }
    [AttentionReduction(VqaSizes.ReductionOutputs)] public partial Layer ImageReduce { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Dense(Vocabulary.AnswerCount, Activation.Softmax)] public partial Layer Classifier { get; }

    [Forward]
    Tensor Forward()
    {
        var y = QuestionPosition(Embed(Question));
        var x = ImagePosition(ImageProjection(Image));
        foreach (var ga in Decoder)
        {
            x = ga(x, y);
        }

        return Classifier(Norm(QuestionReduce(y) + ImageReduce(x)));
    }
}
