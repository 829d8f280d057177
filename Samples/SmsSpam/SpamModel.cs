namespace ModelGen.Samples.SmsSpam;

/// <summary>Which of the sample's networks to train (the --model option).</summary>
public enum SpamModel
{
    /// <summary>The LSTM, then the transformer, on the same parts and ids.</summary>
    Both,

    /// <summary><see cref="SpamNet"/>: an embedding, an LSTM and a sigmoid.</summary>
    Lstm,

    /// <summary><see cref="SpamTransformer"/>: an embedding with positions, two encoder blocks, a mean and a sigmoid.</summary>
    Transformer,
}
