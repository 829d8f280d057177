namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// Reads what <see cref="McanQuestionQueries"/> (the founding direction's SA(X)-SGA(Y,X)) attends to in the image:
/// the softmax weights of its image-side attentional reduction over the 16 regions, (16, 1) per question. It declares
/// the members of McanQuestionQueries that lead to those weights under the same names (the reduction's scoring MLP as
/// two Dense layers named as the unit names its sub-layers, image_reduce.mlp.fc.linear and image_reduce.mlp.linear)
/// and returns the scores' softmax instead of the answer; <see cref="AttentionProbe"/> copies the trained weights
/// into it by parameter name. (The unit's dropout between the two layers is left out: the probe only runs in
/// inference, where it is the identity.) The image side of this model does not depend on the question (the regions
/// only self-attend), so the probe's one input is the image.
/// </summary>
[Model]
public partial class McanQuestionQueriesAttention
{
    [Input(Picture.Regions, Picture.RegionWidth)] public partial Tensor Image { get; }
    [Dense(VqaSizes.Width)] public partial Layer ImageProjection { get; }
    [PositionEmbedding(Picture.Regions)] public partial Layer ImagePosition { get; }
    [Repeat(VqaSizes.Depth), SA(VqaSizes.Heads, Hidden = VqaSizes.Hidden)] public partial Layer[] Encoder { get; }
    [Dense(VqaSizes.Width, Activation.ReLU, Name = "image_reduce.mlp.fc.linear")] public partial Layer ImageScoreHidden { get; }
    [Dense(1, Name = "image_reduce.mlp.linear")] public partial Layer ImageScore { get; }

    [Forward]
    Tensor Forward()
    {
        var x = ImagePosition(ImageProjection(Image));
        foreach (var sa in Encoder)
        {
            x = sa(x);
        }

        return Tensor.Softmax(ImageScore(ImageScoreHidden(x)), axis: 1);
    }
}
