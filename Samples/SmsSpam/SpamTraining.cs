using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelGen.Data.Text;
using ModelGen.Kernels;

namespace ModelGen.Samples.SmsSpam;

/// <summary>
/// Trains SpamNet (the LSTM) and SpamTransformer as a Keras user would, on the same prepared ids
/// (<see cref="SmsSpamData"/>): Adam, binary cross-entropy, batch <see cref="BatchSize"/>, early stopping on val_loss
/// (patience <see cref="Patience"/>, best weights restored); then each one's test accuracy, spam precision and recall
/// and confusion matrix, its weights with the tokenizer beside them, history and plots in a folder named after it,
/// result.json with both, and a table comparing them.
/// </summary>
public static class SpamTraining
{
    /// <summary>The most epochs to train.</summary>
    public const int DefaultEpochs = 20;

    /// <summary>Messages per training step.</summary>
    public const int BatchSize = 32;

    /// <summary>Epochs without a lower val_loss before training stops.</summary>
    public const int Patience = 3;

    /// <summary>Adam's step size for the LSTM.</summary>
    public const float LstmLearningRate = 1e-3f;

    /// <summary>Adam's step size for the transformer.</summary>
    public const float TransformerLearningRate = 1e-3f;

    /// <summary>The weight file's name in each network's output folder; the tokenizer goes beside it.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>The LSTM's name in result.json, the table and its output folder.</summary>
    public const string LstmName = "lstm";

    /// <summary>The transformer's name in result.json, the table and its output folder.</summary>
    public const string TransformerName = "transformer";

    /// <summary>Trains the networks <paramref name="settings"/> name and writes the outputs; returns each one's figures, in training order.</summary>
    /// <exception cref="InvalidDataException">The data file is missing or malformed.</exception>
    public static IReadOnlyList<TrainResult> Run(TrainSettings settings, TextWriter output)
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
        var results = new List<TrainResult>();
        if (settings.Models is SpamModel.Both or SpamModel.Lstm)
        {
            using var lstm = new SpamNet(batchCapacity: BatchSize, seed: settings.Seed, device: device);
            results.Add(Train(LstmName, lstm, settings.LearningRate > 0 ? settings.LearningRate : LstmLearningRate, settings, data, train, device, output));
        }

        if (settings.Models is SpamModel.Both or SpamModel.Transformer)
        {
            using var transformer = new SpamTransformer(batchCapacity: BatchSize, seed: settings.Seed, device: device);
            results.Add(Train(TransformerName, transformer, settings.LearningRate > 0 ? settings.LearningRate : TransformerLearningRate, settings, data, train, device, output));
        }

        Directory.CreateDirectory(settings.OutputFolder);
        AtomicWrite.Bytes(Path.Combine(settings.OutputFolder, "result.json"), ToJson(results, settings.Seed, data));
        output.WriteLine();
        output.Write(Table(results));
        output.WriteLine($"Wrote result.json to {settings.OutputFolder}.");
        return results;
    }

    /// <summary>The comparison printed at the end: one row per network, as Markdown.</summary>
    public static string Table(IEnumerable<TrainResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new StringBuilder();
        table.Append("| model | accuracy | spam precision | spam recall | epochs (best) | train seconds |\n");
        table.Append("|---|---|---|---|---|---|\n");
        foreach (TrainResult result in results)
        {
            BinaryConfusion c = result.Confusion;
            table.Append(CultureInfo.InvariantCulture,
                $"| {result.Model} | {c.Accuracy:0.0000} | {c.SpamPrecision:0.0000} | {c.SpamRecall:0.0000} | {result.EpochsRun} ({result.BestEpoch}) | {result.TrainSeconds:F1} |\n");
        }

        return table.ToString();
    }

    private static TrainResult Train(string name, CompiledModel model, float learningRate, TrainSettings settings, SmsSpamData data,
        Dataset train, Device device, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(model.Summary);
        var stopper = new EarlyStopping(monitor: "val_loss", patience: Patience, restoreBestWeights: true);
        var clock = Stopwatch.StartNew();
        History history = model.Fit(train, data.Validation.ToDataset(), BatchSize, settings.Epochs, new Adam(learningRate), [stopper]);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        Dataset test = data.Test.ToDataset();
        IReadOnlyDictionary<string, double> scores = model.Evaluate(test, BatchSize);
        BinaryConfusion confusion = BinaryConfusion.FromPredictions(model.Predict(test.Features), data.Test.Labels);
        var result = new TrainResult(name, train.Count, data.Validation.Count, history.Epochs, stopper.BestEpoch + 1, scores["loss"], confusion, trainSeconds);
        output.WriteLine($"{name}: {result.EpochsRun} epochs in {trainSeconds:F1} s ({trainSeconds / result.EpochsRun:F2} s per epoch) on {device.Name}; best epoch {result.BestEpoch}.");
        output.WriteLine($"{name}: test accuracy {confusion.Accuracy:0.0000} (test loss {result.TestLoss:0.0000}); spam precision {confusion.SpamPrecision:0.0000}, spam recall {confusion.SpamRecall:0.0000}.");
        output.Write(confusion.ToText());

        string folder = Path.Combine(settings.OutputFolder, name);
        Directory.CreateDirectory(folder);
        string weights = Path.Combine(folder, WeightsFile);
        model.Save(weights);
        data.Tokenizer.Save(Tokenizer.PathBesideWeights(weights));
        history.Save(Path.Combine(folder, "history.csv"));
        HistoryPlots.Save(history, folder);
        AtomicWrite.Bytes(Path.Combine(folder, "confusion.txt"), Encoding.UTF8.GetBytes(confusion.ToText()));
        output.WriteLine($"Wrote {WeightsFile}, its tokenizer, history.csv, loss.png, accuracy.png and confusion.txt to {folder}.");
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

    private static byte[] ToJson(IReadOnlyList<TrainResult> results, int seed, SmsSpamData data)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seed", seed);
            writer.WriteNumber("train_messages", results.Count == 0 ? data.Train.Count : results[0].TrainMessages);
            writer.WriteNumber("validation_messages", data.Validation.Count);
            writer.WriteNumber("test_messages", data.Test.Count);
            writer.WriteNumber("majority_accuracy", (double)(data.Test.Count - data.Test.SpamCount) / data.Test.Count);
            writer.WriteNumber("vocabulary_size", data.Tokenizer.VocabularySize);
            writer.WriteNumber("sequence_length", data.Test.Ids.Length);
            writer.WriteStartObject("models");
            foreach (TrainResult result in results)
            {
                BinaryConfusion confusion = result.Confusion;
                writer.WriteStartObject(result.Model);
                writer.WriteNumber("test_accuracy", confusion.Accuracy);
                writer.WriteNumber("test_loss", result.TestLoss);
                writer.WriteNumber("spam_precision", confusion.SpamPrecision);
                writer.WriteNumber("spam_recall", confusion.SpamRecall);
                writer.WriteStartObject("confusion");
                writer.WriteNumber("ham_as_ham", confusion.TrueHam);
                writer.WriteNumber("ham_as_spam", confusion.FalseSpam);
                writer.WriteNumber("spam_as_ham", confusion.MissedSpam);
                writer.WriteNumber("spam_as_spam", confusion.CaughtSpam);
                writer.WriteEndObject();
                writer.WriteNumber("epochs_run", result.EpochsRun);
                writer.WriteNumber("best_epoch", result.BestEpoch);
                writer.WriteNumber("train_seconds", result.TrainSeconds);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
