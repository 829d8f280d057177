namespace ModelGen.Samples.SmsSpam;

/// <summary>
/// A small transformer encoder over a message's word ids: embedded (id 0 is padding, masked so that attention and
/// the mean skip it) plus a learned position table, two <see cref="SpamEncoderBlock"/>s, the mean over the words,
/// and a sigmoid giving the probability of spam. The same ids as <see cref="SpamNet"/>; the generator compiles it
/// into straight-line code at build time.
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
public partial class SpamTransformer
{
    /// <summary>Floats per word through the whole encoder.</summary>
    public const int Width = 32;

    /// <summary>Encoder blocks, each with its own weights.</summary>
    public const int Blocks = 2;

    [Input(SmsSpamData.SequenceLength)] public partial Tensor Tokens { get; }
    [Embedding(SmsSpamData.VocabularySize, Width, MaskZero = true)] public partial Layer Embed { get; }
    [PositionEmbedding(SmsSpamData.SequenceLength)] public partial Layer Position { get; }
    [Repeat(Blocks), Block(typeof(SpamEncoderBlock))] public partial Layer[] Encoder { get; }
    [Dense(1, Activation.Sigmoid)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Position(Embed(Tokens));
        foreach (var block in Encoder)
        {
            x = block(x);
        }

        return Head(Tensor.Mean(x, axis: 1));
    }
}
