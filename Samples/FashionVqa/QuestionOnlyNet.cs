namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// The question-only baseline: it never sees the picture. The question's words embedded (padding masked) with
/// their positions, <see cref="VqaSizes.Depth"/> SA units, an attentional reduction, LayerNorm and one softmax
/// over all answers: what can be guessed from the words alone.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class QuestionOnlyNet
{
    [Input(Vocabulary.QuestionLength)] public partial Tensor Question { get; }
    [Embedding(Vocabulary.WordIds, VqaSizes.Width, MaskZero = true)] public partial Layer Embed { get; }
    [PositionEmbedding(Vocabulary.QuestionLength)] public partial Layer QuestionPosition { get; }
    [Repeat(VqaSizes.Depth), SA(VqaSizes.Heads, Hidden = VqaSizes.Hidden)] public partial Layer[] Encoder { get; }
    [AttentionReduction(VqaSizes.ReductionOutputs)] public partial Layer QuestionReduce { get; }
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

        return Classifier(Norm(QuestionReduce(y)));
    }
}
