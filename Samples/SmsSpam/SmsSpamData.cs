using ModelGen.Data;
using ModelGen.Data.Text;

namespace ModelGen.Samples.SmsSpam;

/// <summary>
/// The SMS Spam Collection ready for a network over word ids, the way a Keras user prepares it: a seeded stratified
/// split into training and test parts (scikit-learn's train_test_split(stratify=labels)), a stratified validation
/// part held out of the training part, Keras' Tokenizer (num_words, oov_token) fitted on the training part's texts
/// only (validation included, test never), and every part's texts turned into ids and padded as pad_sequences does.
/// Models and samples that read the corpus (this one, the attention one) share this preparation.
/// </summary>
public sealed class SmsSpamData
{
    /// <summary>Ids per message (Keras' num_words): padding, the out-of-vocabulary id and the most frequent words.</summary>
    public const int VocabularySize = 8000;

    /// <summary>Words kept per message: longer messages keep their last words, shorter ones are padded at the start.</summary>
    public const int SequenceLength = 50;

    /// <summary>The share of the messages in the training part (the rest is the test part).</summary>
    public const double TrainSize = 0.8;

    /// <summary>The share of the training part held out to validate (early stopping).</summary>
    public const double ValidationShare = 0.1;

    private SmsSpamData(Tokenizer tokenizer, SmsPart train, SmsPart validation, SmsPart test)
    {
        Tokenizer = tokenizer;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>The tokenizer fitted on the training part's texts.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>The messages the network trains on.</summary>
    public SmsPart Train { get; }

    /// <summary>The messages held out of the training part for val_loss.</summary>
    public SmsPart Validation { get; }

    /// <summary>The messages evaluated once, after training.</summary>
    public SmsPart Test { get; }

    /// <summary>Reads the corpus at <paramref name="path"/> and prepares it; see <see cref="Prepare"/>.</summary>
    /// <exception cref="InvalidDataException">The file is missing or malformed.</exception>
    public static SmsSpamData Load(string path, int seed, int vocabularySize = VocabularySize, int sequenceLength = SequenceLength,
        double trainSize = TrainSize, double validationShare = ValidationShare) =>
        Prepare(SmsMessages.Load(path), seed, vocabularySize, sequenceLength, trainSize, validationShare);

    /// <summary>
    /// Splits <paramref name="messages"/> (stratified, seeded: <paramref name="trainSize"/> trains, of which
    /// <paramref name="validationShare"/> validates), fits a tokenizer of <paramref name="vocabularySize"/> ids on the
    /// training part's texts and pads every part to <paramref name="sequenceLength"/> ids.
    /// </summary>
    public static SmsSpamData Prepare(SmsMessages messages, int seed, int vocabularySize = VocabularySize, int sequenceLength = SequenceLength,
        double trainSize = TrainSize, double validationShare = ValidationShare)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        TrainTestIndices split = TrainTestSplit.Split(messages.Labels, trainSize, seed);
        float[] trainingLabels = [.. split.Train.Select(r => messages.Labels[r])];
        TrainTestIndices held = TrainTestSplit.Split(trainingLabels, 1 - validationShare, seed);
        int[] trainRows = [.. held.Train.Select(i => split.Train[i])];
        int[] validationRows = [.. held.Test.Select(i => split.Train[i])];

        var tokenizer = new Tokenizer(vocabularySize).Fit(split.Train.Select(r => messages.Texts[r]));
        return new SmsSpamData(tokenizer,
            Part(messages, trainRows, tokenizer, sequenceLength),
            Part(messages, validationRows, tokenizer, sequenceLength),
            Part(messages, split.Test, tokenizer, sequenceLength));
    }

    /// <summary>One line describing the parts and the vocabulary.</summary>
    public string Describe()
    {
        SmsPart[] parts = [Train, Validation, Test];
        int all = parts.Sum(p => p.Count);
        int spam = parts.Sum(p => p.SpamCount);
        int longer = Train.Texts.Count(t => Tokenizer.Words(t).Length > Train.Ids.Length);
        return $"SMS Spam Collection: {all:N0} messages, {spam:N0} spam ({100.0 * spam / all:0.0} %); {Train.Count:N0} training, {Validation.Count:N0} validation, {Test.Count:N0} test (stratified). "
            + (Tokenizer.Vocabulary.Count == Tokenizer.RankedWords.Count
                ? $"Vocabulary: all {Tokenizer.RankedWords.Count:N0} words of the training part, ids below {Tokenizer.VocabularySize:N0}; "
                : $"Vocabulary: the {Tokenizer.Vocabulary.Count:N0} most frequent of the {Tokenizer.RankedWords.Count:N0} words of the training part, ids below {Tokenizer.VocabularySize:N0}; ")
            + $"{Train.Ids.Length} ids per message ({longer:N0} training messages are longer and keep their last {Train.Ids.Length} words).";
    }

    private static SmsPart Part(SmsMessages messages, int[] rows, Tokenizer tokenizer, int length)
    {
        string[] texts = [.. rows.Select(r => messages.Texts[r])];
        float[] labels = [.. rows.Select(r => messages.Labels[r])];
        return new SmsPart(rows, texts, labels, tokenizer.TextsToPaddedSequences(texts, length));
    }
}
