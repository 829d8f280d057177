using System.Globalization;
using System.Text.Json;
using ModelGen.Samples.Sunspots;

namespace ModelGen.Samples.Tests;

/// <summary>The sunspots sample: two epochs per network and its outputs; the windows, split in time and scaled with the training years only.</summary>
public sealed class SunspotsSampleTests
{
    private const int Epochs = 2;

    // Worked out apart from the CSV (Python): the naive forecast's RMSE over 1947-2008, and the mean and population
    // deviation of 1700-1946.
    private const double NaiveRmse = 33.2759551861158;
    private const double TrainingMean = 43.72672064777333;
    private const double TrainingScale = 34.061065882968286;

    private static readonly string[] Networks = ["simple_rnn", "lstm", "gru", "stacked_lstm"];

    [Fact]
    public void TwoEpochs_WriteWeightsHistoriesPlotsAndResult()
    {
        using var folder = new TempFolder();

        int exit = SampleRunner.Run(typeof(LstmForecaster).Assembly, "--epochs", $"{Epochs}", "--threads", "1", "--seed", "0", "--out", folder.Path);

        Assert.Equal(0, exit);
        OutputChecks.AssertPng(folder.File("forecast.png"));
        foreach (string network in Networks)
        {
            Assert.True(new FileInfo(folder.File($"{network}.safetensors")).Length > 0, network);
            OutputChecks.AssertHistory(folder.File($"history-{network}.csv"), "epoch,loss,mae,val_loss,val_mae,seconds", Epochs);
            OutputChecks.AssertPng(folder.File($"loss-{network}.png"));
        }

        using var result = JsonDocument.Parse(File.ReadAllBytes(folder.File("result.json")));
        JsonElement root = result.RootElement;
        Assert.Equal(
            ["window", "train_windows", "validation_windows", "test_years", "first_test_year", "last_test_year",
             "test_rmse", "ratio_to_naive", "epochs_run", "best_epoch", "train_seconds"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(SunspotWindows.Window, root.GetProperty("window").GetInt32());
        Assert.Equal(196, root.GetProperty("train_windows").GetInt32());
        Assert.Equal(35, root.GetProperty("validation_windows").GetInt32());
        Assert.Equal(62, root.GetProperty("test_years").GetInt32());
        Assert.Equal(1947, root.GetProperty("first_test_year").GetInt32());
        Assert.Equal(2008, root.GetProperty("last_test_year").GetInt32());

        JsonElement rmse = root.GetProperty("test_rmse");
        JsonElement ratio = root.GetProperty("ratio_to_naive");
        Assert.Equal(["naive", .. Networks], rmse.EnumerateObject().Select(p => p.Name));
        Assert.Equal(NaiveRmse, rmse.GetProperty("naive").GetDouble(), 1e-9);
        Assert.Equal(1, ratio.GetProperty("naive").GetDouble());
        foreach (string network in Networks)
        {
            // Two epochs do not forecast well, but a forecast of sunspot numbers stays within their range's scale.
            double value = rmse.GetProperty(network).GetDouble();
            Assert.InRange(value, 1, 200);
            Assert.Equal(value / NaiveRmse, ratio.GetProperty(network).GetDouble(), 1e-12);
            Assert.Equal(Epochs, root.GetProperty("epochs_run").GetProperty(network).GetInt32());
            Assert.InRange(root.GetProperty("best_epoch").GetProperty(network).GetInt32(), 1, Epochs);
            Assert.True(root.GetProperty("train_seconds").GetProperty(network).GetDouble() > 0);
        }
    }

    [Fact]
    public void Windows_AreSplitInTime_AndScaledWithTheTrainingYearsOnly()
    {
        SunspotSeries series = SunspotSeries.Load(SunspotSeries.BundledPath);
        SunspotWindows windows = SunspotWindows.Create(series);

        Assert.Equal(309, series.Count);
        Assert.Equal(1947, series.Years[windows.FirstTestIndex]);
        Assert.Equal(TrainingMean, windows.Mean, 1e-9);
        Assert.Equal(TrainingScale, windows.Scale, 1e-9);
        Assert.Equal([196, 35, 62], new[] { windows.Train.Count, windows.Validation.Count, windows.Test.Count });

        // The first test window holds 1931-1946 and forecasts 1947; the naive forecast of 1947 is 1946's 92.6.
        double[] first = [.. windows.Test.FeatureRow(0).ToArray().Select(windows.Unscale)];
        Assert.Equal(series.Values[231..247], first, (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.Equal(series.Values[247], windows.Unscale(windows.Test.TargetRow(0)[0]), 1e-4);
        Assert.Equal(92.6, windows.NaiveForecast[0]);
        Assert.Equal(series.Values[246..^1], windows.NaiveForecast);

        // Multiplying every test year by ten changes neither the scaling nor any training or validation window.
        using var folder = new TempFolder();
        string changed = folder.File("changed.csv");
        File.WriteAllLines(changed, [
            "\"YEAR\",\"SUNACTIVITY\"",
            .. series.Years.Select((year, i) => string.Create(CultureInfo.InvariantCulture, $"{year},{(year >= 1947 ? 10 : 1) * series.Values[i]}")),
        ]);
        SunspotWindows other = SunspotWindows.Create(SunspotSeries.Load(changed));
        Assert.Equal(windows.Mean, other.Mean);
        Assert.Equal(windows.Scale, other.Scale);
        Assert.Equal(windows.Train.Features, other.Train.Features);
        Assert.Equal(windows.Train.Targets, other.Train.Targets);
        Assert.Equal(windows.Validation.Features, other.Validation.Features);
        Assert.Equal(windows.Validation.Targets, other.Validation.Targets);
        Assert.Equal(10 * windows.TestTruth[0], other.TestTruth[0], 1e-9);
    }

    [Fact]
    public void Load_RefusesAGapInTheYears()
    {
        using var folder = new TempFolder();
        string path = folder.File("gap.csv");
        File.WriteAllLines(path, ["\"YEAR\",\"SUNACTIVITY\"", "1700,5", "1701,11", "1703,23"]);

        var refused = Assert.Throws<InvalidDataException>(() => SunspotSeries.Load(path));

        Assert.Contains("row 3: year 1703 does not follow 1701", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, SampleRunner.Run(typeof(LstmForecaster).Assembly, "--data", path, "--out", folder.File("out")));
    }
}
