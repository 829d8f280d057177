using System.Diagnostics;
using System.Text.Json;
using ModelGen.Data;
using ModelGen.Kernels;
using ModelGen.Mpi;

namespace ModelGen.Samples.HotelCancellations;

/// <summary>
/// The course's training, step for step: stratified 75/25 split, the preparation fitted on the training part,
/// HotelNet with Adam and binary cross-entropy, batch 512, early stopping on val_loss (patience 5, min_delta 0.001,
/// best weights restored); then the weights, the preparation beside them, the history, its plots and result.json.
/// </summary>
public static class HotelTraining
{
    /// <summary>Rows per training step, as the course's <c>batch_size</c>.</summary>
    public const int BatchSize = 512;

    /// <summary>The weight file's name in the output folder; the preparation goes beside it.</summary>
    public const string WeightsFile = HotelPrediction.WeightsFile;

    /// <summary>Trains as <paramref name="settings"/> say and writes the outputs; returns the figures.</summary>
    /// <exception cref="InvalidDataException">The prepared data does not have HotelNet's 63 features.</exception>
    public static TrainResult Run(TrainSettings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        Table hotel = HotelData.Read(settings.DataPath);
        TrainTestIndices split = TrainTestSplit.Split(hotel.Column(HotelData.Label), HotelData.TrainSize, settings.Seed);
        Table train = hotel.Take(split.Train);
        Table validation = hotel.Take(split.Test);
        ColumnTransformer preparation = HotelData.Preparation();
        FeatureMatrix xTrain = preparation.FitTransform(train);
        FeatureMatrix xValidation = preparation.Transform(validation);
        double prepSeconds = clock.Elapsed.TotalSeconds;

        // The model's width is fixed at compile time; a split that leaves a category out of the training part
        // gives fewer columns, and padding them would feed the network features it never had.
        if (preparation.FeatureCount != HotelNet.InputSize)
        {
            throw new InvalidDataException(
                $"The preparation of seed {settings.Seed}'s training part gives {preparation.FeatureCount} features, but HotelNet takes {HotelNet.InputSize}: "
                + "a category of the data is missing from this training part. Choose another seed.");
        }

        var trainSet = Subset(xTrain, train.Column(HotelData.Label).ToSingles(), settings.Rows);
        var validationSet = Subset(xValidation, validation.Column(HotelData.Label).ToSingles(), settings.Rows);
        output.WriteLine($"Hotel cancellations: {trainSet.Count} training and {validationSet.Count} validation bookings, {preparation.FeatureCount} features after preparation ({prepSeconds:F2} s).");

        // Under mpirun, one rank per process trains data-parallel (each its share of every batch); rank 0 alone prints and
        // writes. Alone, World is null and no MPI library is loaded.
        using MpiCommunicator? world = MpiCommunicator.World;
        bool writes = world is null || world.Rank == 0;
        output = writes ? output : TextWriter.Null;
        var device = Device.Cpu(settings.Threads);
        using var model = new HotelNet(batchCapacity: BatchSize, seed: settings.Seed, device: device) { Collective = world };
        output.WriteLine(model.Summary);
        var stopper = new EarlyStopping(monitor: "val_loss", minDelta: 0.001, patience: 5, restoreBestWeights: true);
        clock.Restart();
        History history = model.Fit(trainSet, validationSet, BatchSize, settings.Epochs, new Adam(), [stopper],
            metrics: [Metric.BinaryAccuracy, Metric.Precision, Metric.Recall, Metric.Auc]);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        int best = stopper.BestEpoch;
        var result = new TrainResult(preparation.FeatureCount, history.Epochs, best + 1, history["val_loss"][best],
            history["val_binary_accuracy"][best], prepSeconds, trainSeconds)
        {
            BestValidationPrecision = history["val_precision"][best],
            BestValidationRecall = history["val_recall"][best],
            BestValidationAuc = history["val_auc"][best],
        };
        output.WriteLine($"Best Validation Loss: {result.BestValidationLoss:0.0000}");
        output.WriteLine($"Best Validation Accuracy: {result.BestValidationAccuracy:0.0000}");
        output.WriteLine($"Best Validation Precision, Recall, AUC: {result.BestValidationPrecision:0.0000}, {result.BestValidationRecall:0.0000}, {result.BestValidationAuc:0.0000}");
        output.WriteLine($"{result.EpochsRun} epochs in {trainSeconds:F1} s ({result.SecondsPerEpoch:F2} s per epoch) on {device.Name}; best epoch {result.BestEpoch}.");
        double samplesPerSecond = (double)trainSet.Count * history.Epochs / trainSeconds;
        output.WriteLine(world is null
            ? $"{samplesPerSecond:F0} training samples per second, validation included."
            : $"{samplesPerSecond:F0} training samples per second on {world.Size} ranks, validation included; rank 0 spent {world.ReduceTime.TotalSeconds:F2} s in {world.Reductions} gradient all-reduces ({world.ReduceTime.TotalMilliseconds / Math.Max(1, world.Reductions):F3} ms each, {100 * world.ReduceTime.TotalSeconds / trainSeconds:F1}% of training).");
        if (!writes)
        {
            return result;
        }

        Directory.CreateDirectory(settings.OutputFolder);
        string weights = Path.Combine(settings.OutputFolder, WeightsFile);
        model.Save(weights);
        preparation.Save(ColumnTransformer.PathBesideWeights(weights));
        history.Save(Path.Combine(settings.OutputFolder, "history.csv"));
        var (lossPlot, accuracyPlot) = HistoryPlots.Save(history, settings.OutputFolder);
        string resultPath = Path.Combine(settings.OutputFolder, "result.json");
        AtomicWrite.Bytes(resultPath, ToJson(result));
        output.WriteLine($"Wrote {weights}, its preparation, history.csv, {Path.GetFileName(lossPlot)}, {Path.GetFileName(accuracyPlot)} and result.json to {settings.OutputFolder}.");
        return result;
    }

    private static Dataset Subset(FeatureMatrix features, float[] labels, int rows)
    {
        if (rows <= 0 || rows >= features.Rows)
        {
            return new Dataset(features.Values, features.FeatureCount, labels, 1);
        }

        return new Dataset(features.Values[..(rows * features.FeatureCount)], features.FeatureCount, labels[..rows], 1);
    }

    private static byte[] ToJson(TrainResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("features", result.Features);
            writer.WriteNumber("epochs_run", result.EpochsRun);
            writer.WriteNumber("best_epoch", result.BestEpoch);
            writer.WriteNumber("best_val_loss", result.BestValidationLoss);
            writer.WriteNumber("best_val_binary_accuracy", result.BestValidationAccuracy);
            writer.WriteNumber("best_val_precision", result.BestValidationPrecision);
            writer.WriteNumber("best_val_recall", result.BestValidationRecall);
            writer.WriteNumber("best_val_auc", result.BestValidationAuc);
            writer.WriteNumber("prep_seconds", result.PrepSeconds);
            writer.WriteNumber("train_seconds", result.TrainSeconds);
            writer.WriteNumber("seconds_per_epoch", result.SecondsPerEpoch);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
