using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelGen.Kernels;

namespace ModelGen.Samples.Sunspots;

/// <summary>
/// Trains SimpleRNN, LSTM and GRU forecasters on the same windows as a Keras user would (MSE, Adam, batch
/// <see cref="BatchSize"/>, early stopping on val_loss of the validation tail with the best weights restored), then
/// compares their test RMSE, in sunspot numbers, with the naive last-value forecast's; writes the weights, histories,
/// plots and result.json.
/// </summary>
public static class SunspotTraining
{
    /// <summary>The most epochs each network trains.</summary>
    public const int DefaultEpochs = 300;

    /// <summary>Windows per training step.</summary>
    public const int BatchSize = 16;

    /// <summary>Epochs without a lower val_loss before a network stops.</summary>
    public const int Patience = 30;

    /// <summary>Adam's step size.</summary>
    public const float LearningRate = 1e-3f;

    /// <summary>The naive forecast's key in result.json.</summary>
    public const string NaiveKey = "naive";

    /// <summary>Trains as <paramref name="settings"/> say and writes the outputs; returns the figures.</summary>
    /// <exception cref="InvalidDataException">The data file is missing or malformed.</exception>
    public static SunspotResult Run(TrainSettings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        SunspotSeries series = SunspotSeries.Load(settings.DataPath);
        SunspotWindows windows = SunspotWindows.Create(series);
        int[] years = series.Years;
        output.WriteLine($"Sunspots {years[0]}-{years[^1]}: windows of {SunspotWindows.Window} years forecast the next year.");
        output.WriteLine($"Training {years[SunspotWindows.Window]}-{years[windows.FirstValidationIndex - 1]} ({windows.Train.Count} windows), "
            + $"validation {years[windows.FirstValidationIndex]}-{years[windows.FirstTestIndex - 1]} ({windows.Validation.Count}), "
            + $"test {years[windows.FirstTestIndex]}-{years[^1]} ({windows.Test.Count}); standardised with the training years' mean {windows.Mean:0.00} and deviation {windows.Scale:0.00}.");

        var predictors = new List<PredictorResult>
        {
            new(NaiveKey, "naive (last year)", windows.NaiveForecast, PredictorResult.Rmse(windows.NaiveForecast, windows.TestTruth)),
        };
        Directory.CreateDirectory(settings.OutputFolder);
        var device = Device.Cpu(settings.Threads);
        foreach (Forecaster forecaster in Forecaster.All)
        {
            predictors.Add(Train(forecaster, windows, settings, device, output));
        }

        var result = new SunspotResult(windows, predictors);
        output.WriteLine();
        output.Write(Table(result));
        ForecastPlot.Save(result, settings.OutputFolder);
        AtomicWrite.Bytes(Path.Combine(settings.OutputFolder, "result.json"), ToJson(result));
        output.WriteLine($"Wrote the weights, history-*.csv, loss-*.png, forecast.png and result.json to {settings.OutputFolder}.");
        return result;
    }

    /// <summary>The test RMSE table: each predictor's RMSE in sunspot numbers and its ratio to the naive forecast's.</summary>
    public static string Table(SunspotResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int[] years = result.Windows.TestYears;
        int width = result.Predictors.Max(p => p.Name.Length);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Test RMSE over {years[0]}-{years[^1]} ({years.Length} years), in sunspot numbers:\n");
        text.Append("predictor".PadRight(width)).Append("    RMSE  vs naive  epochs  best\n");
        foreach (PredictorResult p in result.Predictors)
        {
            text.Append(p.Name.PadRight(width))
                .Append(CultureInfo.InvariantCulture, $"  {p.TestRmse,6:0.00}  {result.RatioToNaive(p),8:0.000}")
                .Append(p.EpochsRun > 0 ? string.Create(CultureInfo.InvariantCulture, $"  {p.EpochsRun,6}  {p.BestEpoch,4}") : "       -     -")
                .Append('\n');
        }

        return text.ToString();
    }

    private static PredictorResult Train(Forecaster forecaster, SunspotWindows windows, TrainSettings settings, Device device, TextWriter output)
    {
        output.WriteLine();
        using CompiledModel model = forecaster.Create(BatchSize, settings.Seed, device);
        output.WriteLine(model.Summary);
        var stopper = new EarlyStopping(monitor: "val_loss", patience: Patience, restoreBestWeights: true);
        var clock = Stopwatch.StartNew();
        History history = model.Fit(windows.Train, windows.Validation, BatchSize, settings.Epochs, new Adam(LearningRate), [stopper]);
        double seconds = clock.Elapsed.TotalSeconds;

        float[] scaled = model.Predict(windows.Test.Features);
        double[] forecast = [.. scaled.Select(windows.Unscale)];
        var result = new PredictorResult(forecaster.Key, forecaster.Name, forecast, PredictorResult.Rmse(forecast, windows.TestTruth),
            history.Epochs, stopper.BestEpoch + 1, seconds);
        output.WriteLine($"{forecaster.Name}: {result.EpochsRun} epochs in {seconds:F1} s on {device.Name}; best epoch {result.BestEpoch} (val_loss {history["val_loss"][stopper.BestEpoch]:0.0000}); test RMSE {result.TestRmse:0.00}.");

        model.Save(Path.Combine(settings.OutputFolder, $"{forecaster.Key}.safetensors"));
        history.Save(Path.Combine(settings.OutputFolder, $"history-{forecaster.Key}.csv"));
        HistoryPlots.Save(history, settings.OutputFolder, forecaster.Key, forecaster.Name);
        return result;
    }

    private static byte[] ToJson(SunspotResult result)
    {
        SunspotWindows windows = result.Windows;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("window", SunspotWindows.Window);
            writer.WriteNumber("train_windows", windows.Train.Count);
            writer.WriteNumber("validation_windows", windows.Validation.Count);
            writer.WriteNumber("test_years", windows.Test.Count);
            writer.WriteNumber("first_test_year", windows.TestYears[0]);
            writer.WriteNumber("last_test_year", windows.TestYears[^1]);
            WriteEach(writer, "test_rmse", result.Predictors, p => p.TestRmse);
            WriteEach(writer, "ratio_to_naive", result.Predictors, result.RatioToNaive);
            PredictorResult[] networks = [.. result.Predictors.Where(p => p.Key != NaiveKey)];
            WriteEach(writer, "epochs_run", networks, p => p.EpochsRun);
            WriteEach(writer, "best_epoch", networks, p => p.BestEpoch);
            WriteEach(writer, "train_seconds", networks, p => p.TrainSeconds);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteEach(Utf8JsonWriter writer, string name, IEnumerable<PredictorResult> predictors, Func<PredictorResult, double> value)
    {
        writer.WriteStartObject(name);
        foreach (PredictorResult p in predictors)
        {
            writer.WriteNumber(p.Key, value(p));
        }

        writer.WriteEndObject();
    }
}
