using nietras.SeparatedValues;

namespace ModelGen.Samples.BreastCancer;

/// <summary>The breast-cancer table as features and labels, split and standardised for training.</summary>
internal sealed class BreastCancerData
{
    private BreastCancerData(float[] features, float[] labels)
    {
        Features = features;
        Labels = labels;
    }

    /// <summary>Features per sample.</summary>
    public const int FeatureCount = 30;

    /// <summary>Row-major (n, 30).</summary>
    public float[] Features { get; }

    /// <summary>0 (malignant) or 1 (benign) per sample.</summary>
    public float[] Labels { get; }

    public int Count => Labels.Length;

    /// <summary>Reads scikit-learn's CSV: a first line "569,30,malignant,benign", then 30 features and the label per row.</summary>
    public static BreastCancerData Load(string path)
    {
        using var reader = Sep.Reader(o => o with { HasHeader = false, DisableColCountCheck = true }).FromFile(path);
        var features = new List<float>();
        var labels = new List<float>();
        bool first = true;
        foreach (var row in reader)
        {
            if (first)
            {
                first = false;
                continue;
            }

            if (row.ColCount != FeatureCount + 1)
            {
                throw new InvalidDataException($"{path}, line {row.LineNumberFrom}: expected {FeatureCount + 1} columns, found {row.ColCount}.");
            }

            for (int c = 0; c < FeatureCount; c++)
            {
                features.Add(row[c].Parse<float>());
            }

            labels.Add(row[FeatureCount].Parse<float>());
        }

        return new BreastCancerData([.. features], [.. labels]);
    }

    /// <summary>A seeded split that keeps each class's share in both parts (stratified).</summary>
    public (BreastCancerData Train, BreastCancerData Test) StratifiedSplit(double testFraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (float label in Labels.Distinct().Order())
        {
            int[] rows = Enumerable.Range(0, Count).Where(i => Labels[i] == label).ToArray();
            random.Shuffle(rows);
            int testRows = (int)Math.Round(rows.Length * testFraction);
            test.AddRange(rows[..testRows]);
            train.AddRange(rows[testRows..]);
        }

        int[] trainRows = [.. train];
        int[] testRows2 = [.. test];
        random.Shuffle(trainRows);
        random.Shuffle(testRows2);
        return (Take(trainRows), Take(testRows2));
    }

    /// <summary>Standardises both parts with the mean and standard deviation of this (training) part.</summary>
    public void Standardize(params BreastCancerData[] parts)
    {
        var mean = new double[FeatureCount];
        var std = new double[FeatureCount];
        for (int i = 0; i < Count; i++)
        {
            for (int c = 0; c < FeatureCount; c++)
            {
                mean[c] += Features[i * FeatureCount + c];
            }
        }

        for (int c = 0; c < FeatureCount; c++)
        {
            mean[c] /= Count;
        }

        for (int i = 0; i < Count; i++)
        {
            for (int c = 0; c < FeatureCount; c++)
            {
                double d = Features[i * FeatureCount + c] - mean[c];
                std[c] += d * d;
            }
        }

        for (int c = 0; c < FeatureCount; c++)
        {
            std[c] = Math.Sqrt(std[c] / Count);
            if (std[c] == 0)
            {
                std[c] = 1;
            }
        }

        foreach (var part in parts.Prepend(this))
        {
            for (int i = 0; i < part.Count; i++)
            {
                for (int c = 0; c < FeatureCount; c++)
                {
                    ref float x = ref part.Features[i * FeatureCount + c];
                    x = (float)((x - mean[c]) / std[c]);
                }
            }
        }
    }

    private BreastCancerData Take(int[] rows)
    {
        var features = new float[rows.Length * FeatureCount];
        var labels = new float[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            Features.AsSpan(rows[i] * FeatureCount, FeatureCount).CopyTo(features.AsSpan(i * FeatureCount));
            labels[i] = Labels[rows[i]];
        }

        return new BreastCancerData(features, labels);
    }
}
