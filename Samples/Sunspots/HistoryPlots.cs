using ScottPlot;

namespace ModelGen.Samples.Sunspots;

/// <summary>The history plot Keras users draw with pandas' <c>history_df.loc[:, ['loss', 'val_loss']].plot(title=...)</c>, epochs from 0.</summary>
internal static class HistoryPlots
{
    private const int Width = 640;
    private const int Height = 480;

    /// <summary>Writes loss-{key}.png: loss and val_loss (MSE of the standardised values) of one network.</summary>
    public static string Save(History history, string folder, string key, string name)
    {
        string path = Path.Combine(folder, $"loss-{key}.png");
        var plot = new Plot();
        double[] epochs = [.. Enumerable.Range(0, history.Epochs).Select(e => (double)e)];
        foreach (string series in (string[])["loss", "val_loss"])
        {
            var line = plot.Add.Scatter(epochs, history[series].ToArray());
            line.LegendText = series;
            line.MarkerSize = history.Epochs == 1 ? 5 : 0;
        }

        plot.Title($"{name}: mean squared error (standardised)");
        plot.XLabel("epoch");
        plot.ShowLegend(Alignment.UpperRight);
        AtomicWrite.Bytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
        return path;
    }
}
