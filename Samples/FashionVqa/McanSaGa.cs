namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// The ablation SA(Y)-GA(X,Y) of MCAN's encoder-decoder: <see cref="VqaSizes.Depth"/> SA units on the question Y,
/// then as many GA units on the image regions X, each guided by the encoder's last output (the regions query the
/// question, with no self-attention among them). Fusion as in <see cref="McanSaSga"/>.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class McanSaGa
{
    [Input(Vocabulary.QuestionLength)] public partial Tensor Question { get; }
    [Input(Picture.Regions, Picture.RegionWidth)] public partial Tensor Image { get; }
    [Embedding(Vocabulary.WordIds, VqaSizes.Width, MaskZero = true)] public partial Layer Embed { get; }
    [PositionEmbedding(Vocabulary.QuestionLength)] public partial Layer QuestionPosition { get; }
    [Dense(VqaSizes.Width)] public partial Layer ImageProjection { get; }
    [PositionEmbedding(Picture.Regions)] public partial Layer ImagePosition { get; }
    [Repeat(VqaSizes.Depth), SA(VqaSizes.Heads, Hidden = VqaSizes.Hidden)] public partial Layer[] Encoder { get; }
    [Repeat(VqaSizes.Depth), GA(VqaSizes.Heads, Hidden = VqaSizes.Hidden)] public partial Layer[] Decoder { get; }
    [AttentionReduction(VqaSizes.ReductionOutputs)] public partial Layer QuestionReduce { get; }
    [AttentionReduction(VqaSizes.ReductionOutputs)] public partial Layer ImageReduce { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Dense(Vocabulary.AnswerCount, Activation.Softmax)] public partial Layer Classifier { get; }

    [Forward]
    Tensor Forward()
    {
        var y = QuestionPosition(Embed(Question));
        foreach (var sa in Encoder)
        {
            y = sa(y);
        }

        var x = ImagePosition(ImageProjection(Image));
        foreach (var ga in Decoder)
        {
            x = ga(x, y);
        }

        return Classifier(Norm(QuestionReduce(y) + ImageReduce(x)));
    }
}
