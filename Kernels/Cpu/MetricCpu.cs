namespace ModelGen.Kernels.Cpu;

/// <summary>Metrics summed over the rows of predictions (B, F) against targets, accumulated into result[0].</summary>
internal static class MetricCpu
{
    private const float Threshold = 0.5f;

    public static void Run(MetricKind kind, ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> result, int batch, int features)
    {
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> y = prediction.Slice(b * features, features);
            total += kind switch
            {
                MetricKind.BinaryAccuracy => BinaryAccuracy(y, target.Slice(b * features, features)),
                MetricKind.CategoricalAccuracy => ArgMax(y) == ArgMax(target.Slice(b * features, features)) ? 1 : 0,
                MetricKind.SparseCategoricalAccuracy => ArgMax(y) == LossCpu.ClassIndex(target[b], features, b) ? 1 : 0,
                MetricKind.MeanAbsoluteError => MeanAbsolute(y, target.Slice(b * features, features)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown metric."),
            };
        }

        result[0] += (float)total;
    }

    /// <summary>Fraction of features whose prediction is on the target's side of 0.5.</summary>
    private static double BinaryAccuracy(ReadOnlySpan<float> y, ReadOnlySpan<float> t)
    {
        int right = 0;
        for (int f = 0; f < y.Length; f++)
        {
            right += (y[f] > Threshold) == (t[f] > Threshold) ? 1 : 0;
        }

        return (double)right / y.Length;
    }

    private static double MeanAbsolute(ReadOnlySpan<float> y, ReadOnlySpan<float> t)
    {
        double sum = 0;
        for (int f = 0; f < y.Length; f++)
        {
            sum += Math.Abs((double)y[f] - t[f]);
        }

        return sum / y.Length;
    }

    /// <summary>The first index of the largest value (ties go to the first, as NumPy's argmax).</summary>
    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++)
        {
            if (v[i] > v[best])
            {
                best = i;
            }
        }

        return best;
    }
}
