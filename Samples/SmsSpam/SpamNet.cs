namespace ModelGen.Samples.SmsSpam;

/// <summary>
/// A message's word ids, embedded (id 0 is padding, masked so that the LSTM skips it), read by an LSTM whose last
/// state gives the probability of spam. The generator compiles it at build time.
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(SmsSpamData.SequenceLength)]
[Embedding(SmsSpamData.VocabularySize, 128, MaskZero = true)]
[LSTM(64)]
[Dense(1, Activation.Sigmoid)]
public partial class SpamNet;
