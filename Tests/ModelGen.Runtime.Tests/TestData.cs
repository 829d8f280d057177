using System.Globalization;

namespace ModelGen.Runtime.Tests;

/// <summary>Data sets for the tests: the breast-cancer table, split and standardised, and small synthetic sets.</summary>
internal static class TestData
{
    private static readonly Lazy<(float[] Features, float[] Labels)> s_cancer = new(ReadCancer);

    /// <summary>The breast-cancer rows (569 x 30) and labels (0 malignant, 1 benign).</summary>
    public static (float[] Features, float[] Labels) Cancer => s_cancer.Value;

    /// <summary>
    /// A seeded, stratified 80/20 split of the breast-cancer data, both parts standardised with the training part's
    /// mean and (population) standard deviation.
    /// </summary>
    public static (Dataset Train, Dataset Validation) CancerSplit(int seed = 42)
    {
        (float[] features, float[] labels) = Cancer;
        const int Width = 30;
        int rows = labels.Length;
        var random = new Random(seed);
        var train = new List<int>();
        var validation = new List<int>();
        foreach (float label in new[] { 0f, 1f })
        {
            var members = Enumerable.Range(0, rows).Where(r => labels[r] == label).ToArray();
            random.Shuffle(members);
            int validationCount = (int)Math.Round(members.Length * 0.2);
            validation.AddRange(members.Take(validationCount));
            train.AddRange(members.Skip(validationCount));
        }

        int[] trainRows = [.. train.Order()];
        int[] validationRows = [.. validation.Order()];
        var mean = new double[Width];
        var std = new double[Width];
        foreach (int r in trainRows)
        {
            for (int f = 0; f < Width; f++)
            {
                mean[f] += features[r * Width + f];
            }
        }

        for (int f = 0; f < Width; f++)
        {
            mean[f] /= trainRows.Length;
        }

        foreach (int r in trainRows)
        {
            for (int f = 0; f < Width; f++)
            {
                double d = features[r * Width + f] - mean[f];
                std[f] += d * d;
            }
        }

        for (int f = 0; f < Width; f++)
        {
            std[f] = Math.Sqrt(std[f] / trainRows.Length);
        }

        Dataset Build(int[] selected)
        {
            var x = new float[selected.Length * Width];
            var y = new float[selected.Length];
            for (int i = 0; i < selected.Length; i++)
            {
                for (int f = 0; f < Width; f++)
                {
                    x[i * Width + f] = (float)((features[selected[i] * Width + f] - mean[f]) / std[f]);
                }

                y[i] = labels[selected[i]];
            }

            return new Dataset(x, Width, y, 1);
        }

        return (Build(trainRows), Build(validationRows));
    }

    /// <summary>The first <paramref name="rows"/> rows of a data set.</summary>
    public static Dataset Head(Dataset data, int rows) =>
        new(data.Features[..(rows * data.FeatureWidth)], data.FeatureWidth, data.Targets[..(rows * data.TargetWidth)], data.TargetWidth);

    /// <summary>Noisy samples of y = 2 x0 - 3 x1 + 0.5 for the linear model.</summary>
    public static Dataset Linear(int rows, int seed = 1)
    {
        var random = new Random(seed);
        var x = new float[rows * 2];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            x[2 * i] = (float)(random.NextDouble() * 2 - 1);
            x[2 * i + 1] = (float)(random.NextDouble() * 2 - 1);
            y[i] = 2 * x[2 * i] - 3 * x[2 * i + 1] + 0.5f + (float)(random.NextDouble() * 0.02 - 0.01);
        }

        return new Dataset(x, 2, y, 1);
    }

    private static (float[] Features, float[] Labels) ReadCancer()
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "breast_cancer.csv"));
        string[] header = lines[0].Split(',');
        int rows = int.Parse(header[0], CultureInfo.InvariantCulture);
        int width = int.Parse(header[1], CultureInfo.InvariantCulture);
        var features = new float[rows * width];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            string[] cells = lines[r + 1].Split(',');
            for (int f = 0; f < width; f++)
            {
                features[r * width + f] = float.Parse(cells[f], CultureInfo.InvariantCulture);
            }

            labels[r] = float.Parse(cells[width], CultureInfo.InvariantCulture);
        }

        return (features, labels);
    }
}
