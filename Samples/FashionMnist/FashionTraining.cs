using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ModelGen.Kernels;

namespace ModelGen.Samples.FashionMnist;

/// <summary>
/// Trains FashionNet as a Keras user would: 10 % of the training images held out (seeded) for validation, Adam with
/// Keras' defaults, batch 128, early stopping on val_loss (patience 3, best weights restored); then the test set's
/// loss, accuracy and confusion matrix, and the weights, history, plots and result.json.
/// </summary>
public static class FashionTraining
{
    /// <summary>Images per training step (DESIGN.md's CNN workload).</summary>
    public const int BatchSize = 128;

    /// <summary>The share of the training images held out for validation.</summary>
    public const double ValidationShare = 0.1;

    /// <summary>Epochs without a lower val_loss before training stops.</summary>
    public const int Patience = 3;

    /// <summary>The fewest training images a run accepts (so that the validation part has at least one).</summary>
    public const int MinimumTrainImages = 10;

    /// <summary>The weight file's name in the output folder.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Trains as <paramref name="settings"/> say and writes the outputs; returns the figures.</summary>
    /// <exception cref="InvalidDataException">The data folder or one of its files is missing or malformed.</exception>
    public static TrainResult Run(TrainSettings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        FashionSource source = FashionData.Load(settings.DataFolder, settings.Seed);
        output.WriteLine(source.Description);
        FashionImages all = source.Train.First(settings.Limit);
        FashionImages test = source.Test.First(settings.Limit);
        if (all.Count < MinimumTrainImages)
        {
            throw new InvalidDataException($"{all.Count} training images are too few; expected at least {MinimumTrainImages} (one of each ten goes to validation).");
        }

        int validationCount = (int)Math.Round(all.Count * ValidationShare);
        var (train, validation) = all.Split(validationCount, new Random(settings.Seed));
        string limited = settings.Limit > 0 ? $" (--limit {settings.Limit})" : "";
        output.WriteLine($"{train.Count:N0} training, {validation.Count:N0} validation and {test.Count:N0} test images{limited}, pixels scaled to [0, 1].");

        var device = Device.Cpu(settings.Threads);
        using var model = new FashionNet(batchCapacity: BatchSize, seed: settings.Seed, device: device);
        output.WriteLine(model.Summary);
        var stopper = new EarlyStopping(monitor: "val_loss", patience: Patience, restoreBestWeights: true);
        var clock = Stopwatch.StartNew();
        History history = model.Fit(train.ToDataset(), validation.ToDataset(), BatchSize, settings.Epochs, new Adam(), [stopper]);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        IReadOnlyDictionary<string, double> scores = model.Evaluate(test.ToDataset(), BatchSize);
        ConfusionMatrix confusion = ConfusionMatrix.FromPredictions(model.Predict(test.Pixels), test.Labels, FashionData.ClassNames);
        var result = new TrainResult(train.Count, validation.Count, test.Count, history.Epochs, stopper.BestEpoch + 1,
            scores["loss"], scores["accuracy"], trainSeconds);
        output.WriteLine($"{result.EpochsRun} epochs in {trainSeconds:F1} s ({result.SecondsPerEpoch:F2} s per epoch, {result.SamplesPerSecond:F0} training images per second) on {device.Name}; best epoch {result.BestEpoch}.");
        output.WriteLine($"Test accuracy: {result.TestAccuracy:0.0000} (test loss {result.TestLoss:0.0000}) on {test.Count:N0} images.");
        output.Write(confusion.ToText());

        Directory.CreateDirectory(settings.OutputFolder);
        string weights = Path.Combine(settings.OutputFolder, WeightsFile);
        model.Save(weights);
        history.Save(Path.Combine(settings.OutputFolder, "history.csv"));
        HistoryPlots.Save(history, settings.OutputFolder);
        AtomicWrite.Bytes(Path.Combine(settings.OutputFolder, "confusion.txt"), Encoding.UTF8.GetBytes(confusion.ToText()));
        AtomicWrite.Bytes(Path.Combine(settings.OutputFolder, "confusion.png"), confusion.ToPng());
        AtomicWrite.Bytes(Path.Combine(settings.OutputFolder, "result.json"), ToJson(result));
        output.WriteLine($"Wrote {WeightsFile}, history.csv, loss.png, accuracy.png, confusion.txt, confusion.png and result.json to {settings.OutputFolder}.");
        return result;
    }

    private static byte[] ToJson(TrainResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("test_accuracy", result.TestAccuracy);
            writer.WriteNumber("test_loss", result.TestLoss);
            writer.WriteNumber("epochs_run", result.EpochsRun);
            writer.WriteNumber("best_epoch", result.BestEpoch);
            writer.WriteNumber("train_seconds", result.TrainSeconds);
            writer.WriteNumber("seconds_per_epoch", result.SecondsPerEpoch);
            writer.WriteNumber("samples_per_second", result.SamplesPerSecond);
            writer.WriteNumber("train_images", result.TrainImages);
            writer.WriteNumber("validation_images", result.ValidationImages);
            writer.WriteNumber("test_images", result.TestImages);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
