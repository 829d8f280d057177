namespace ModelGen.Samples.SmsSpam;

/// <summary>
/// One post-norm transformer encoder block over a message's embedded words (T, E): self-attention (padded words
/// masked out as keys), dropout, a residual and LayerNorm; then a position-wise feed-forward block, dropout, a
/// residual and LayerNorm. <see cref="SpamTransformer"/> stacks two of them.
/// </summary>
[Model]
public partial class SpamEncoderBlock
{
    /// <summary>Heads of the self-attention (each reads <see cref="SpamTransformer.Width"/> / Heads floats).</summary>
    public const int Heads = 4;

    /// <summary>Inner units of the feed-forward block.</summary>
    public const int Hidden = 64;

    /// <summary>Dropout after the attention and after the feed-forward block, in training.</summary>
    public const double DropoutRate = 0.1;

    [Input(SmsSpamData.SequenceLength, SpamTransformer.Width)] public partial Tensor X { get; }
    [MultiHeadAttention(Heads)] public partial Layer Attention { get; }
    [Dropout(DropoutRate)] public partial Layer AttentionDropout { get; }
    [LayerNorm] public partial Layer Norm1 { get; }
    [FeedForward(Hidden)] public partial Layer Ffn { get; }
    [Dropout(DropoutRate)] public partial Layer FfnDropout { get; }
    [LayerNorm] public partial Layer Norm2 { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Norm1(X + AttentionDropout(Attention(X)));
        return Norm2(x + FfnDropout(Ffn(x)));
    }
}
