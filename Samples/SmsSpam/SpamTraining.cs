using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ModelGen.Data.Text;
using ModelGen.Kernels;

namespace ModelGen.Samples.SmsSpam;

/// <summary>
/// Trains SpamNet as a Keras user would: the prepared ids (<see cref="SmsSpamData"/>), Adam, binary cross-entropy,
/// batch <see cref="BatchSize"/>, early stopping on val_loss (patience <see cref="Patience"/>, best weights restored);
/// then the test part's accuracy, spam precision and recall and confusion matrix, and the weights, the tokenizer
/// beside them, the history, its plots and result.json.
/// </summary>
public static class SpamTraining
{
    /// <summary>The most epochs to train.</summary>
    public const int DefaultEpochs = 20;

    /// <summary>Messages per training step.</summary>
    public const int BatchSize = 32;

    /// <summary>Epochs without a lower val_loss before training stops.</summary>
    public const int Patience = 3;

    /// <summary>Adam's step size.</summary>
    public const float LearningRate = 1e-3f;

    /// <summary>The weight file's name in the output folder; the tokenizer goes beside it.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Trains as <paramref name="settings"/> say and writes the outputs; returns the figures.</summary>
    /// <exception cref="InvalidDataException">The data file is missing or malformed.</exception>
    public static TrainResult Run(TrainSettings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        SmsSpamData data = SmsSpamData.Load(settings.DataPath, settings.Seed);
        output.WriteLine(data.Describe());
        Dataset train = Limit(data.Train.ToDataset(), settings.Limit);
        if (settings.Limit > 0)
        {
            output.WriteLine($"Training on the first {train.Count:N0} training messages only (--limit {settings.Limit}).");
        }

        var device = Device.Cpu(settings.Threads);
        using var model = new SpamNet(batchCapacity: BatchSize, seed: settings.Seed, device: device);
        output.WriteLine(model.Summary);
        var stopper = new EarlyStopping(monitor: "val_loss", patience: Patience, restoreBestWeights: true);
        var clock = Stopwatch.StartNew();
        History history = model.Fit(train, data.Validation.ToDataset(), BatchSize, settings.Epochs, new Adam(LearningRate), [stopper]);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        Dataset test = data.Test.ToDataset();
        IReadOnlyDictionary<string, double> scores = model.Evaluate(test, BatchSize);
        BinaryConfusion confusion = BinaryConfusion.FromPredictions(model.Predict(test.Features), data.Test.Labels);
        var result = new TrainResult(train.Count, data.Validation.Count, history.Epochs, stopper.BestEpoch + 1, scores["loss"], confusion, trainSeconds);
        output.WriteLine($"{result.EpochsRun} epochs in {trainSeconds:F1} s ({trainSeconds / result.EpochsRun:F2} s per epoch) on {device.Name}; best epoch {result.BestEpoch}.");
        output.WriteLine($"Test accuracy: {confusion.Accuracy:0.0000} (test loss {result.TestLoss:0.0000}); spam precision {confusion.SpamPrecision:0.0000}, spam recall {confusion.SpamRecall:0.0000}.");
        output.Write(confusion.ToText());

        Directory.CreateDirectory(settings.OutputFolder);
        string weights = Path.Combine(settings.OutputFolder, WeightsFile);
        model.Save(weights);
        data.Tokenizer.Save(Tokenizer.PathBesideWeights(weights));
        history.Save(Path.Combine(settings.OutputFolder, "history.csv"));
        HistoryPlots.Save(history, settings.OutputFolder);
        AtomicWrite.Bytes(Path.Combine(settings.OutputFolder, "confusion.txt"), Encoding.UTF8.GetBytes(confusion.ToText()));
        AtomicWrite.Bytes(Path.Combine(settings.OutputFolder, "result.json"), ToJson(result, data));
        output.WriteLine($"Wrote {WeightsFile}, its tokenizer, history.csv, loss.png, accuracy.png, confusion.txt and result.json to {settings.OutputFolder}.");
        return result;
    }

    private static Dataset Limit(Dataset data, int rows)
    {
        if (rows <= 0 || rows >= data.Count)
        {
            return data;
        }

        return new Dataset(data.Features[..(rows * data.FeatureWidth)], data.FeatureWidth, data.Targets[..rows], 1);
    }

    private static byte[] ToJson(TrainResult result, SmsSpamData data)
    {
        BinaryConfusion confusion = result.Confusion;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("test_accuracy", confusion.Accuracy);
            writer.WriteNumber("test_loss", result.TestLoss);
            writer.WriteNumber("spam_precision", confusion.SpamPrecision);
            writer.WriteNumber("spam_recall", confusion.SpamRecall);
            writer.WriteNumber("majority_accuracy", confusion.MajorityAccuracy);
            writer.WriteStartObject("confusion");
            writer.WriteNumber("ham_as_ham", confusion.TrueHam);
            writer.WriteNumber("ham_as_spam", confusion.FalseSpam);
            writer.WriteNumber("spam_as_ham", confusion.MissedSpam);
            writer.WriteNumber("spam_as_spam", confusion.CaughtSpam);
            writer.WriteEndObject();
            writer.WriteNumber("epochs_run", result.EpochsRun);
            writer.WriteNumber("best_epoch", result.BestEpoch);
            writer.WriteNumber("train_seconds", result.TrainSeconds);
            writer.WriteNumber("train_messages", result.TrainMessages);
            writer.WriteNumber("validation_messages", result.ValidationMessages);
            writer.WriteNumber("test_messages", confusion.Total);
            writer.WriteNumber("vocabulary_size", data.Tokenizer.VocabularySize);
            writer.WriteNumber("sequence_length", data.Test.Ids.Length);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
