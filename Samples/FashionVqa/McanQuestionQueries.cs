namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// SA-SGA in the founding document's direction: the question queries the image regions. The regions through
/// <see cref="VqaSizes.Depth"/> SA units (the encoder), then the question through as many SGA units, each guided by
/// the encoder's last output (the question's words attend to the regions). The same units as
/// <see cref="McanSaSga"/> with the modalities swapped; fusion as there.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class McanQuestionQueries
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
        var x = ImagePosition(ImageProjection(Image));
        foreach (var sa in Encoder)
        {
            x = sa(x);
        }

        var y = QuestionPosition(Embed(Question));
        foreach (var sga in Decoder)
        {
            y = sga(y, x);
        }

        return Classifier(Norm(QuestionReduce(y) + ImageReduce(x)));
    }
}
