using ScottPlot;

namespace ModelGen.Samples.FashionVqa;

/// <summary>The two history plots Keras users draw with pandas' <c>history_df.loc[:, [...]].plot(title=...)</c>, epochs from 0.</summary>
internal static class HistoryPlots
{
    private const int Width = 640;
    private const int Height = 480;

    /// <summary>Writes loss.png ("Cross-entropy": loss, val_loss) and accuracy.png ("Accuracy": accuracy, val_accuracy).</summary>
    public static (string Loss, string Accuracy) Save(History history, string folder, string title)
    {
        string loss = Path.Combine(folder, "loss.png");
        string accuracy = Path.Combine(folder, "accuracy.png");
        AtomicWrite.Bytes(loss, Render(history, $"{title}: cross-entropy", Alignment.UpperRight, "loss", "val_loss"));
        AtomicWrite.Bytes(accuracy, Render(history, $"{title}: accuracy", Alignment.LowerRight, "accuracy", "val_accuracy"));
        return (loss, accuracy);
    }

    private static byte[] Render(History history, string title, Alignment legend, params string[] keys)
    {
        var plot = new Plot();
        double[] epochs = [.. Enumerable.Range(0, history.Epochs).Select(e => (double)e)];
        foreach (string key in keys)
        {
            var line = plot.Add.Scatter(epochs, history[key].ToArray());
            line.LegendText = key;
            line.MarkerSize = history.Epochs == 1 ? 5 : 0;
        }

        plot.Title(title);
        plot.XLabel("epoch");
        plot.ShowLegend(legend);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
