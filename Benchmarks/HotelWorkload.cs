using ModelGen.Benchmarks.Models;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The hotel MLP workload, defined as the peer's bench_mlp: one epoch of 89,542 random rows (63 standard-normal
/// features, labels rand &gt; 0.63), batch 512, shuffled each epoch, Adam, binary cross-entropy on the logits;
/// inference over all rows at batch 512; batch-1 latency. Training goes through <see cref="CompiledModel.Fit"/>
/// and inference through <see cref="CompiledModel.Predict(ReadOnlySpan{float}, Span{float})"/>, the paths a user calls.
/// </summary>
internal static class HotelWorkload
{
    public const int Rows = 89542;
    public const int Features = 63;
    public const int Batch = 512;

    public static Dictionary<string, object> Run(int threads, double budget, int epochsMax)
    {
        var (features, targets) = MakeData(seed: 0);
        var data = new Dataset(features, Features, targets, 1);
        using var model = new HotelNet(Batch, seed: 0, Device.Cpu(threads));
        var adam = new Adam();
        var results = new Dictionary<string, object>();

        // Like the peer, no metric is computed while training (the peer computes none).
        List<double> epochs = Timing.Repeat(() => model.Fit(data, null, Batch, 1, adam, verbose: 0, metrics: []),
            warmup: 1, minReps: 3, maxReps: epochsMax, budgetSeconds: Math.Max(budget, 20));
        results["train_samples_per_s"] = Stats.Of([.. epochs.Select(s => Rows / s)]);
        results["epoch_s"] = Stats.Of(epochs);
        results["batches_per_epoch"] = (Rows + Batch - 1) / Batch;

        var outputs = new float[Rows];
        List<double> infer = Timing.Repeat(() => model.Predict(features, outputs), warmup: 1, minReps: 3, budgetSeconds: budget);
        results["infer_b512_samples_per_s"] = Stats.Of([.. infer.Select(s => Rows / s)]);

        ReadOnlySpan<float> one = features.AsSpan(0, Features);
        Span<float> oneOut = stackalloc float[1];
        // A second of warm-up by the clock, not a count of calls: the tiered JIT starts counting calls only after
        // 100 ms without new methods, so 200 calls (1 ms) left the batch-1 path in tier-0 code for most of the runs.
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1000)
        {
            model.Predict(one, oneOut);
        }

        var latencies = new List<double>();
        for (int r = 0; r < 7; r++)
        {
            const int calls = 2000;
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                model.Predict(one, oneOut);
            }

            latencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds / calls * 1e6);
        }

        results["infer_b1_latency_us"] = Stats.Of(latencies);
        results["alloc_bytes_per_step"] = AllocatedPerStep(model, adam, features.AsSpan(0, Batch * Features), targets.AsSpan(0, Batch));
        return results;
    }

    /// <summary>
    /// Bytes allocated by this thread over one training step on the batch <paramref name="x"/>, <paramref name="y"/>,
    /// after warm-up (the most of several steps). Any workload's model: the CNN workload measures with it too.
    /// </summary>
    public static long AllocatedPerStep(CompiledModel model, Optimizer optimizer, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        for (int i = 0; i < 3; i++)
        {
            model.TrainOnBatch(x, y, optimizer);
        }

        long most = 0;
        for (int i = 0; i < 20; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.TrainOnBatch(x, y, optimizer);
            most = Math.Max(most, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return most;
    }

    /// <summary>Standard-normal features (Box-Muller) and labels rand &gt; 0.63, as the peer draws them.</summary>
    public static (float[] Features, float[] Targets) MakeData(int seed)
    {
        var random = new Random(seed);
        var features = new float[Rows * Features];
        for (int i = 0; i < features.Length; i += 2)
        {
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u));
            features[i] = (float)(radius * Math.Cos(2 * Math.PI * v));
            if (i + 1 < features.Length)
            {
                features[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * v));
            }
        }

        var targets = new float[Rows];
        for (int i = 0; i < Rows; i++)
        {
            targets[i] = random.NextDouble() > 0.63 ? 1f : 0f;
        }

        return (features, targets);
    }
}
