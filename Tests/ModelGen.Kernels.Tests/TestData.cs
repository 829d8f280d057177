namespace ModelGen.Kernels.Tests;

/// <summary>Seeded inputs and comparison helpers shared by the kernel tests.</summary>
internal static class TestData
{
    /// <summary>Sizes around the vector widths (8, 16), odd primes and a large one.</summary>
    public static readonly int[] Lengths = [1, 7, 15, 17, 31, 33, 37, 101, 457];

    public static float[] Uniform(Random random, int length, float low = -1f, float high = 1f)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = low + ((high - low) * random.NextSingle());
        }

        return values;
    }

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);

    /// <summary>Asserts |actual - expected| &lt;= tolerance (1 + |expected|) element by element.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= tolerance * (1 + Math.Abs(expected[i]))))
            {
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R} but got {actual[i]:R} (error {error:E2}, tolerance {tolerance:E1}).");
            }
        }
    }

    /// <summary>Central differences of f at x in double precision: (f(x + h) - f(x - h)) / 2h for each coordinate.</summary>
    public static double[] NumericGradient(Func<double[], double> f, double[] x, double step = Tolerance.FiniteDifferenceStep)
    {
        var gradient = new double[x.Length];
        var probe = (double[])x.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            probe[i] = x[i] + step;
            double up = f(probe);
            probe[i] = x[i] - step;
            double down = f(probe);
            probe[i] = x[i];
            gradient[i] = (up - down) / (2 * step);
        }

        return gradient;
    }

    /// <summary>
    /// Bytes a warm call of <paramref name="step"/> allocates on this thread: the fewest of five calls after one to warm
    /// up. An allocation per call shows in every call; the runtime's own occasional work on the thread (tiering, call
    /// counting) does not.
    /// </summary>
    public static long SteadyStateBytes(Action step)
    {
        step();
        long fewest = long.MaxValue;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            step();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
