namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// Reads what <see cref="McanSaSga"/> (SA(Y)-SGA(X,Y)) attends to in the image: the softmax weights of its image-side
/// attentional reduction over the 16 regions, (16, 1) per question. It declares the members of McanSaSga that lead to
/// those weights under the same names (the reduction's scoring MLP as two Dense layers named as the unit names its
/// sub-layers, image_reduce.mlp.fc.linear and image_reduce.mlp.linear) and returns the scores' softmax instead of the
/// answer; <see cref="AttentionProbe"/> copies the trained weights into it by parameter name. (The unit's dropout
/// between the two layers is left out: the probe only runs in inference, where it is the identity.)
/// </summary>
[Model]
public partial class McanSaSgaAttention
{
    [Input(Vocabulary.QuestionLength)] public partial Tensor Question { get; }
    [Input(Picture.Regions, Picture.RegionWidth)] public partial Tensor Image { get; }
    [Embedding(Vocabulary.WordIds, VqaSizes.Width, MaskZero = true)] public partial Layer Embed { get; }
    [PositionEmbedding(Vocabulary.QuestionLength)] public partial Layer QuestionPosition { get; }
    [Dense(VqaSizes.Width)] public partial Layer ImageProjection { get; }
    [PositionEmbedding(Picture.Regions)] public partial Layer ImagePosition { get; }
    [Repeat(VqaSizes.Depth), SA(VqaSizes.Heads, Hidden = VqaSizes.Hidden)] public partial Layer[] Encoder { get; }
    [Repeat(VqaSizes.Depth), SGA(VqaSizes.Heads, Hidden = VqaSizes.Hidden)] public partial Layer[] Decoder { get; }
    [Dense(VqaSizes.Width, Activation.ReLU, Name = "image_reduce.mlp.fc.linear")] public partial Layer ImageScoreHidden { get; }
    [Dense(1, Name = "image_reduce.mlp.linear")] public partial Layer ImageScore { get; }

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

        return Tensor.Softmax(ImageScore(ImageScoreHidden(x)), axis: 1);
    }
}
