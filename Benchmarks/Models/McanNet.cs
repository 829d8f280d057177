namespace ModelGen.Benchmarks.Models;

/// <summary>
/// The MCAN workload, the FashionVqa sample's SA(Y)-SGA(X,Y) encoder-decoder (Benchmarks/torch_mcan.py is its PyTorch
/// twin): 11 question tokens of 30 ids (0 padding) embedded to 64 with learned positions, 16 image regions of 196
/// floats projected to 64 with learned positions, 2 SA units on the question, 2 SGA units on the regions guided by
/// the encoder's last output (4 heads, feed-forward 256, dropout 0.1), an attentional reduction of each modality to
/// 128, LayerNorm of their sum, softmax over 21 answers, sparse categorical cross-entropy.
/// </summary>
[Model(Loss = Loss.SparseCategoricalCrossEntropy)]
public partial class McanNet
{
    public const int Tokens = 11, Words = 30, Regions = 16, RegionWidth = 196, Answers = 21;

    [Input(Tokens)] public partial Tensor Question { get; }
    [Input(Regions, RegionWidth)] public partial Tensor Image { get; }
    [Embedding(Words, 64, MaskZero = true)] public partial Layer Embed { get; }
    [PositionEmbedding(Tokens)] public partial Layer QuestionPosition { get; }
    [Dense(64)] public partial Layer ImageProjection { get; }
    [PositionEmbedding(Regions)] public partial Layer ImagePosition { get; }
    [Repeat(2), SA(4, Hidden = 256)] public partial Layer[] Encoder { get; }
    [Repeat(2), SGA(4, Hidden = 256)] public partial Layer[] Decoder { get; }
    [AttentionReduction(128)] public partial Layer QuestionReduce { get; }
    [AttentionReduction(128)] public partial Layer ImageReduce { get; }
    [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm { get; }
    [Dense(Answers, Activation.Softmax)] public partial Layer Classifier { get; }

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
