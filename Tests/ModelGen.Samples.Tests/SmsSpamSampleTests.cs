using System.Globalization;
using System.Text.Json;
using ModelGen.Data.Text;
using ModelGen.Samples.SmsSpam;

namespace ModelGen.Samples.Tests;

/// <summary>The SMS spam sample: one short epoch of each network and their outputs; the shared preparation's split and tokenizer.</summary>
public sealed class SmsSpamSampleTests
{
    private const int Limit = 600;

    // 5,574 messages, 747 spam; floor(0.8 * 5,574) = 4,459 train (of which floor(0.9 * 4,459) = 4,013 train on), 1,115 test.
    private const int Messages = 5574;
    private const int TestMessages = 1115;
    private const int ValidationMessages = 446;

    private static readonly string[] Models = [SpamTraining.LstmName, SpamTraining.TransformerName];

    [Fact]
    public void OneEpoch_OnPartOfTheTrainingPart_TrainsBothNetworks_AndWritesTheirOutputsAndOneResult()
    {
        using var folder = new TempFolder();
        using var console = new StringWriter();

        IReadOnlyList<TrainResult> results = SpamTraining.Run(
            new TrainSettings(Seed: 0, Threads: 1, folder.Path, SmsMessages.BundledPath, Epochs: 1, Limit: Limit), console);

        Assert.Equal(Models, results.Select(r => r.Model));
        foreach (string model in Models)
        {
            Assert.True(new FileInfo(folder.File(Path.Combine(model, SpamTraining.WeightsFile))).Length > 0);
            Tokenizer tokenizer = Tokenizer.Load(folder.File(Path.Combine(model, "model.tokenizer.json")));
            Assert.Equal(SmsSpamData.VocabularySize, tokenizer.VocabularySize);
            OutputChecks.AssertHistory(folder.File(Path.Combine(model, "history.csv")), "epoch,loss,binary_accuracy,val_loss,val_binary_accuracy,seconds", 1);
            OutputChecks.AssertPng(folder.File(Path.Combine(model, "loss.png")));
            OutputChecks.AssertPng(folder.File(Path.Combine(model, "accuracy.png")));
            Assert.StartsWith("Confusion matrix of 1,115 test messages", File.ReadAllText(folder.File(Path.Combine(model, "confusion.txt"))), StringComparison.Ordinal);
        }

        using var result = JsonDocument.Parse(File.ReadAllBytes(folder.File("result.json")));
        JsonElement root = result.RootElement;
        Assert.Equal(
            ["seed", "train_messages", "validation_messages", "test_messages", "majority_accuracy", "vocabulary_size", "sequence_length", "models"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, root.GetProperty("seed").GetInt32());
        Assert.Equal(Limit, root.GetProperty("train_messages").GetInt32());
        Assert.Equal(ValidationMessages, root.GetProperty("validation_messages").GetInt32());
        Assert.Equal(TestMessages, root.GetProperty("test_messages").GetInt32());
        Assert.Equal(966.0 / TestMessages, root.GetProperty("majority_accuracy").GetDouble(), 1e-12);
        Assert.Equal(SmsSpamData.VocabularySize, root.GetProperty("vocabulary_size").GetInt32());
        Assert.Equal(SmsSpamData.SequenceLength, root.GetProperty("sequence_length").GetInt32());
        JsonElement models = root.GetProperty("models");
        Assert.Equal(Models, models.EnumerateObject().Select(p => p.Name));

        string printed = console.ToString();
        Assert.Contains("| model | accuracy | spam precision | spam recall |", printed, StringComparison.Ordinal);
        foreach (string model in Models)
        {
            JsonElement figures = models.GetProperty(model);
            Assert.Equal(
                ["test_accuracy", "test_loss", "spam_precision", "spam_recall", "confusion", "epochs_run", "best_epoch", "train_seconds"],
                figures.EnumerateObject().Select(p => p.Name));
            JsonElement confusion = figures.GetProperty("confusion");
            int hamAsHam = confusion.GetProperty("ham_as_ham").GetInt32();
            int hamAsSpam = confusion.GetProperty("ham_as_spam").GetInt32();
            int spamAsHam = confusion.GetProperty("spam_as_ham").GetInt32();
            int spamAsSpam = confusion.GetProperty("spam_as_spam").GetInt32();
            Assert.Equal(TestMessages, hamAsHam + hamAsSpam + spamAsHam + spamAsSpam);
            double accuracy = figures.GetProperty("test_accuracy").GetDouble();
            Assert.Equal((double)(hamAsHam + spamAsSpam) / TestMessages, accuracy, 1e-12);
            Assert.Equal((double)spamAsSpam / (spamAsSpam + spamAsHam), figures.GetProperty("spam_recall").GetDouble(), 1e-12);
            Assert.InRange(figures.GetProperty("spam_precision").GetDouble(), 0, 1);
            Assert.InRange(figures.GetProperty("test_loss").GetDouble(), double.Epsilon, 10);
            Assert.Equal(1, figures.GetProperty("epochs_run").GetInt32());
            Assert.Equal(1, figures.GetProperty("best_epoch").GetInt32());
            Assert.True(figures.GetProperty("train_seconds").GetDouble() > 0);
            Assert.Contains($"| {model} | {accuracy.ToString("0.0000", CultureInfo.InvariantCulture)} |", printed, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ModelOption_TrainsOnlyTheTransformer_WhenAsked()
    {
        using var folder = new TempFolder();

        int exit = SampleRunner.Run(typeof(SpamNet).Assembly, "--model", "transformer", "--limit", "64", "--epochs", "1", "--threads", "1", "--out", folder.Path);

        Assert.Equal(0, exit);
        Assert.False(Directory.Exists(folder.File(SpamTraining.LstmName)));
        Assert.True(File.Exists(folder.File(Path.Combine(SpamTraining.TransformerName, SpamTraining.WeightsFile))));
        using var result = JsonDocument.Parse(File.ReadAllBytes(folder.File("result.json")));
        Assert.Equal([SpamTraining.TransformerName], result.RootElement.GetProperty("models").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Prepare_SplitsStratifiedBySeed_AndFitsTheTokenizerOnTheTrainingPartOnly()
    {
        SmsMessages messages = SmsMessages.Load(SmsMessages.BundledPath);
        SmsSpamData data = SmsSpamData.Prepare(messages, seed: 0);
        SmsSpamData again = SmsSpamData.Prepare(messages, seed: 0);
        SmsSpamData other = SmsSpamData.Prepare(messages, seed: 1);

        Assert.Equal(Messages, messages.Count);
        Assert.Equal(747, messages.SpamCount);
        Assert.Equal([4013, ValidationMessages, TestMessages], new[] { data.Train.Count, data.Validation.Count, data.Test.Count });
        Assert.Equal(Enumerable.Range(0, Messages), data.Train.SourceRows.Concat(data.Validation.SourceRows).Concat(data.Test.SourceRows).Order());
        Assert.Equal(again.Test.SourceRows, data.Test.SourceRows);
        Assert.NotEqual(other.Test.SourceRows, data.Test.SourceRows);

        // Each part keeps the corpus' 13.4 % spam (747 * 0.2 = 149.4 test spam, 597.6 * 0.1 = 59.8 validation spam).
        Assert.InRange(data.Test.SpamCount, 149, 150);
        Assert.InRange(data.Validation.SpamCount, 59, 60);

        // Every word the tokenizer knows comes from a training-part message, so a word seen only in the test part
        // reads as out-of-vocabulary.
        var trainingWords = data.Train.Texts.Concat(data.Validation.Texts).SelectMany(data.Tokenizer.Words).ToHashSet(StringComparer.Ordinal);
        Assert.All(data.Tokenizer.RankedWords, w => Assert.Contains(w, trainingWords));
        string testOnly = data.Test.Texts.SelectMany(data.Tokenizer.Words).First(w => !trainingWords.Contains(w));
        Assert.Equal(Tokenizer.OutOfVocabularyId, data.Tokenizer.Id(testOnly));

        // Ids are padded at the start to the fixed length and stay below the vocabulary size.
        Assert.All(new[] { data.Train, data.Validation, data.Test }, part => Assert.Equal(SmsSpamData.SequenceLength, part.Ids.Length));
        Assert.All(data.Test.Ids.Ids, id => Assert.InRange(id, 0, SmsSpamData.VocabularySize - 1));
        int shortest = Array.FindIndex(data.Test.Texts, t => data.Tokenizer.Words(t).Length == 1);
        Assert.Equal([.. Enumerable.Repeat(0, SmsSpamData.SequenceLength - 1), data.Tokenizer.Id(data.Tokenizer.Words(data.Test.Texts[shortest])[0])],
            data.Test.Ids.Row(shortest).ToArray());
    }

    [Fact]
    public void Load_RefusesAnUnknownLabel()
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.tsv");
        File.WriteAllLines(path, ["ham\tok", "eggs\tnot a label"]);

        var refused = Assert.Throws<InvalidDataException>(() => SmsMessages.Load(path));

        Assert.Contains("line 2: expected 'ham' or 'spam'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, SampleRunner.Run(typeof(SpamNet).Assembly, "--data", path, "--out", folder.File("out")));
    }
}
