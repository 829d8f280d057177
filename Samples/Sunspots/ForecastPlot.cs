using System.Globalization;
using ScottPlot;

namespace ModelGen.Samples.Sunspots;

/// <summary>The test years' sunspot numbers with every predictor's one-year-ahead forecast over them.</summary>
internal static class ForecastPlot
{
    private const int Width = 1000;
    private const int Height = 500;

    /// <summary>Writes forecast.png: the truth in black, the naive forecast dashed, the networks in colour.</summary>
    public static string Save(SunspotResult result, string folder)
    {
        string path = Path.Combine(folder, "forecast.png");
        SunspotWindows windows = result.Windows;
        double[] years = [.. windows.TestYears.Select(y => (double)y)];
        var plot = new Plot();
        var truth = plot.Add.Scatter(years, windows.TestTruth);
        truth.LegendText = "observed";
        truth.Color = Colors.Black;
        truth.LineWidth = 3;
        truth.MarkerSize = 4;
        foreach (PredictorResult predictor in result.Predictors)
        {
            var line = plot.Add.Scatter(years, predictor.Forecast);
            line.LegendText = $"{predictor.Name} (RMSE {predictor.TestRmse:0.0})";
            line.LineWidth = 1.5f;
            line.MarkerSize = 0;
            if (predictor.Key == SunspotTraining.NaiveKey)
            {
                line.Color = Colors.Gray;
                line.LinePattern = LinePattern.Dashed;
            }
        }

        plot.Title($"Sunspots {windows.TestYears[0]}–{windows.TestYears[^1]}: one-year-ahead forecasts from the past {SunspotWindows.Window} years (test part)");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = year => year.ToString("0", CultureInfo.InvariantCulture) };
        plot.XLabel("year");
        plot.YLabel("sunspot number");
        plot.ShowLegend(Alignment.UpperRight);
        AtomicWrite.Bytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
        return path;
    }
}
