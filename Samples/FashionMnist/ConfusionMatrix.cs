using System.Globalization;
using System.Text;
using ScottPlot;

namespace ModelGen.Samples.FashionMnist;

/// <summary>Counts of (true class, predicted class) pairs over a test set, as text and as a heatmap.</summary>
public sealed class ConfusionMatrix
{
    private const int Width = 800;
    private const int Height = 720;

    private readonly int[,] _counts;

    private ConfusionMatrix(int[,] counts, IReadOnlyList<string> classNames)
    {
        _counts = counts;
        ClassNames = classNames;
    }

    /// <summary>The class names, by index; rows and columns follow them.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of classes.</summary>
    public int Classes => ClassNames.Count;

    /// <summary>The images of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>All images counted.</summary>
    public int Total { get; private init; }

    /// <summary>The share of images on the diagonal.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Enumerable.Range(0, Classes).Sum(c => _counts[c, c]) / Total;

    /// <summary>Counts each image under its label and its most probable class (the first of equal ones).</summary>
    /// <param name="probabilities">n rows of one probability per class, row-major.</param>
    /// <param name="labels">n class indices.</param>
    /// <param name="classNames">The names of the classes, one per output.</param>
    public static ConfusionMatrix FromPredictions(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        int classes = classNames.Count;
        if (probabilities.Length != labels.Length * classes)
        {
            throw new ArgumentException($"{labels.Length} labels of {classes} classes need {labels.Length * classes} probabilities, but there are {probabilities.Length}.", nameof(probabilities));
        }

        var counts = new int[classes, classes];
        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<float> row = probabilities.Slice(i * classes, classes);
            int predicted = 0;
            for (int c = 1; c < classes; c++)
            {
                if (row[c] > row[predicted])
                {
                    predicted = c;
                }
            }

            counts[(int)labels[i], predicted]++;
        }

        return new ConfusionMatrix(counts, classNames) { Total = labels.Length };
    }

    /// <summary>
    /// A table: one row per true class, one column per predicted class, each row ending with the class's recall
    /// (its diagonal count over its row) and a last row with each predicted class's precision.
    /// </summary>
    public string ToText()
    {
        int labelWidth = Math.Max(ClassNames.Max(n => n.Length), "precision".Length);
        int[] widths = [.. ClassNames.Select(n => Math.Max(n.Length, 5))];
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Confusion matrix of {Total:N0} test images (rows: true class, columns: predicted class); accuracy {Accuracy:0.0000}\n");
        text.Append("true \\ predicted".PadRight(labelWidth));
        for (int c = 0; c < Classes; c++)
        {
            text.Append("  ").Append(ClassNames[c].PadLeft(widths[c]));
        }

        text.Append("  recall\n");
        for (int actual = 0; actual < Classes; actual++)
        {
            text.Append(ClassNames[actual].PadRight(labelWidth));
            int rowTotal = 0;
            for (int predicted = 0; predicted < Classes; predicted++)
            {
                rowTotal += _counts[actual, predicted];
                text.Append("  ").Append(_counts[actual, predicted].ToString(CultureInfo.InvariantCulture).PadLeft(widths[predicted]));
            }

            text.Append("  ").Append(Ratio(_counts[actual, actual], rowTotal).PadLeft("recall".Length)).Append('\n');
        }

        text.Append("precision".PadRight(labelWidth));
        for (int predicted = 0; predicted < Classes; predicted++)
        {
            int columnTotal = Enumerable.Range(0, Classes).Sum(a => _counts[a, predicted]);
            text.Append("  ").Append(Ratio(_counts[predicted, predicted], columnTotal).PadLeft(widths[predicted]));
        }

        return text.Append('\n').ToString();
    }

    /// <summary>A heatmap of the counts, true classes down the side, predicted classes along the bottom, each cell labelled.</summary>
    public byte[] ToPng()
    {
        var plot = new Plot();
        var intensities = new double[Classes, Classes];
        int largest = 1;
        for (int actual = 0; actual < Classes; actual++)
        {
            for (int predicted = 0; predicted < Classes; predicted++)
            {
                intensities[actual, predicted] = _counts[actual, predicted];
                largest = Math.Max(largest, _counts[actual, predicted]);
            }
        }

        // Row 0 of the array is drawn at the top; cell (actual, predicted) covers x = predicted, y = Classes - 1 - actual.
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Rectangle = new CoordinateRect(-0.5, Classes - 0.5, -0.5, Classes - 0.5);
        plot.Add.ColorBar(heatmap);
        for (int actual = 0; actual < Classes; actual++)
        {
            for (int predicted = 0; predicted < Classes; predicted++)
            {
                int count = _counts[actual, predicted];
                var label = plot.Add.Text(count.ToString(CultureInfo.InvariantCulture), predicted, Classes - 1 - actual);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontSize = 12;
                label.LabelFontColor = count > largest / 2 ? Colors.Black : Colors.White;
            }
        }

        double[] positions = [.. Enumerable.Range(0, Classes).Select(c => (double)c)];
        plot.Axes.Bottom.SetTicks(positions, [.. ClassNames]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Axes.Left.SetTicks([.. positions.Select(p => Classes - 1 - p)], [.. ClassNames]);
        plot.Axes.SetLimits(-0.5, Classes - 0.5, -0.5, Classes - 0.5);
        plot.HideGrid();
        plot.Title($"Confusion matrix ({Total:N0} test images, accuracy {Accuracy:0.0000})");
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static string Ratio(int part, int whole) =>
        whole == 0 ? "-" : ((double)part / whole).ToString("0.000", CultureInfo.InvariantCulture);
}
