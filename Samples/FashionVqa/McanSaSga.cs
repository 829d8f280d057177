namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// MCAN's encoder-decoder in the MCAN paper's direction, SA(Y)-SGA(X,Y): the question Y through
/// <see cref="VqaSizes.Depth"/> SA units (the encoder), then the image regions X through as many SGA units, each
/// guided by the encoder's last output (the regions query the question). Fusion as MCAN's: an attentional reduction
/// of each modality, their sum, LayerNorm, one softmax over all answers.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class McanSaSga
{
    [Input(Vocabulary.QuestionLength)] public partial Tensor Question { get; }
    [Input(Picture.Regions, Picture.RegionWidth)] public partial Tensor Image { get; }
    [Embedding(Vocabulary.WordIds, VqaSizes.Width, MaskZero = true)] public partial Layer Embed { get; }
    [PositionEmbedding(Vocabulary.QuestionLength)] public partial Layer QuestionPosition { get; }
    [Dense(VqaSizes.Width)] public partial Layer ImageProjection { get; }
    [PositionEmbedding(Picture.Regions)] public partial Layer ImagePosition { get; }
    [Repeat(VqaSizes.Depth), SA(VqaSizes.Heads, Hidden = VqaSizes.Hidden)] public partial Layer[] Encoder { get; }
    [Repeat(VqaSizes.Depth), SGA(VqaSizes.Heads, Hidden = VqaSizes.Hidden)] public partial Layer[] Decoder { get; }
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
        foreach (var sga in Decoder)
        {
            x = sga(x, y);
        }

        return Classifier(Norm(QuestionReduce(y) + ImageReduce(x)));
    }
}
