using System.Globalization;
using ScottPlot;

namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// Draws a test picture with the question in the title, the model's answer and the truth below it, and the
/// image-side attention over the 16 regions as a heat overlay on the 4x4 patch grid (Inferno, scaled to the
/// largest weight), each patch labelled with its weight.
/// </summary>
internal static class AttentionPictures
{
    private const int Width = 600;
    private const int Height = 640;

    /// <summary>Writes one PNG to <paramref name="path"/>; <paramref name="weights"/> holds the 16 region weights, row-major.</summary>
    public static void Save(string path, Picture picture, FashionItems items, Question question, string answer, ReadOnlySpan<float> weights, string model)
    {
        var plot = new Plot();
        float[] pixels = picture.Pixels(items);
        var image = new double[Picture.Size, Picture.Size];
        for (int row = 0; row < Picture.Size; row++)
        {
            for (int column = 0; column < Picture.Size; column++)
            {
                image[row, column] = pixels[row * Picture.Size + column];
            }
        }

        // Row 0 of each array is drawn at the top; both cover x and y from 0 to 56 pixels.
        var rectangle = new CoordinateRect(0, Picture.Size, 0, Picture.Size);
        var photo = plot.Add.Heatmap(image);
        photo.Colormap = new ScottPlot.Colormaps.Grayscale();
        photo.Rectangle = rectangle;
        photo.ManualRange = new ScottPlot.Range(0, 1);

        var heat = new double[Picture.PatchesPerSide, Picture.PatchesPerSide];
        float largest = 0;
        for (int region = 0; region < Picture.Regions; region++)
        {
            heat[region / Picture.PatchesPerSide, region % Picture.PatchesPerSide] = weights[region];
            largest = Math.Max(largest, weights[region]);
        }

        var overlay = plot.Add.Heatmap(heat);
        overlay.Colormap = new ScottPlot.Colormaps.Inferno();
        overlay.Rectangle = rectangle;
        overlay.ManualRange = new ScottPlot.Range(0, Math.Max(largest, 1e-6));
        overlay.Opacity = 0.45;
        for (int region = 0; region < Picture.Regions; region++)
        {
            double x = (region % Picture.PatchesPerSide + 0.5) * Picture.PatchSize;
            double y = Picture.Size - (region / Picture.PatchesPerSide + 0.5) * Picture.PatchSize;
            var label = plot.Add.Text(weights[region].ToString("0.00", CultureInfo.InvariantCulture), x, y);
            label.LabelAlignment = Alignment.MiddleCenter;
            label.LabelFontSize = 14;
            label.LabelFontColor = Colors.Cyan;
        }

        plot.Axes.SetLimits(0, Picture.Size, 0, Picture.Size);
        plot.Axes.Bottom.SetTicks([], []);
        plot.Axes.Left.SetTicks([], []);
        plot.HideGrid();
        plot.Title($"{model}: \"{question.Text}?\"", size: 15);
        string verdict = answer == question.AnswerWord ? "right" : "wrong";
        plot.XLabel($"answer: {answer} ({verdict}; truth: {question.AnswerWord})", size: 15);
        AtomicWrite.Bytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }
}
