using System.Globalization;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>The breast-cancer table (569 x 30), split 80/20 with a seeded shuffle and standardised with the training part's statistics.</summary>
internal static class CancerData
{
    private const int Width = 30;
    private static readonly Lazy<(Dataset Train, Dataset Validation)> s_split = new(Split);

    public static Dataset Train => s_split.Value.Train;

    public static Dataset Validation => s_split.Value.Validation;

    private static (Dataset Train, Dataset Validation) Split()
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "breast_cancer.csv"));
        int rows = int.Parse(lines[0].Split(',')[0], CultureInfo.InvariantCulture);
        var features = new float[rows * Width];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            string[] cells = lines[r + 1].Split(',');
            for (int f = 0; f < Width; f++)
            {
                features[(r * Width) + f] = float.Parse(cells[f], CultureInfo.InvariantCulture);
            }

            labels[r] = float.Parse(cells[Width], CultureInfo.InvariantCulture);
        }

        int[] order = [.. Enumerable.Range(0, rows)];
        new Random(42).Shuffle(order);
        int validationCount = rows / 5;
        int[] validation = order[..validationCount], train = order[validationCount..];
        var mean = new double[Width];
        var std = new double[Width];
        foreach (int r in train)
        {
            for (int f = 0; f < Width; f++)
            {
                mean[f] += features[(r * Width) + f] / (double)train.Length;
            }
        }

        foreach (int r in train)
        {
            for (int f = 0; f < Width; f++)
            {
                double d = features[(r * Width) + f] - mean[f];
                std[f] += d * d / train.Length;
            }
        }

        Dataset Build(int[] selected)
        {
            var x = new float[selected.Length * Width];
            var y = new float[selected.Length];
            for (int i = 0; i < selected.Length; i++)
            {
                for (int f = 0; f < Width; f++)
                {
                    x[(i * Width) + f] = (float)((features[(selected[i] * Width) + f] - mean[f]) / Math.Sqrt(std[f]));
                }

                y[i] = labels[selected[i]];
            }

            return new Dataset(x, Width, y, 1);
        }

        return (Build(train), Build(validation));
    }
}
