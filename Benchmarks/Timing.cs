using System.Diagnostics;

namespace ModelGen.Benchmarks;

/// <summary>Median, minimum and maximum of repeated timings, as the peer script reports them.</summary>
internal sealed record Stats(double Median, double Min, double Max, int N)
{
    public static Stats Of(IReadOnlyList<double> values)
    {
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[^1], n);
    }
}

/// <summary>Runs an action after warm-up until a time budget is spent (at least <c>minReps</c> times), like the peer's timed_reps.</summary>
internal static class Timing
{
    public static List<double> Repeat(Action action, int warmup = 1, int minReps = 3, int maxReps = 15, double budgetSeconds = 6)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }

        var seconds = new List<double>();
        var total = Stopwatch.StartNew();
        while (seconds.Count < maxReps)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (seconds.Count >= minReps && total.Elapsed.TotalSeconds > budgetSeconds)
            {
                break;
            }
        }

        return seconds;
    }
}
