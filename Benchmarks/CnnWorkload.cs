using System.Diagnostics;
using ModelGen.Benchmarks.Models;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The CNN workload, defined as the peer's bench_cnn (through its bench_train_steps): one fixed batch of 128
/// standard-normal 1x28x28 images with random class targets (0 to 9), drawn once; training steps on that same batch
/// (<see cref="CompiledModel.TrainOnBatch"/>: upload, forward, loss, backward, Adam step), timed in blocks of 10
/// steps after warm-up, samples per second = 1,280 / block time. Inference (not a peer figure): <see
/// cref="CompiledModel.Predict(ReadOnlySpan{float}, Span{float})"/> over 1,280 random images in batches of 128.
/// </summary>
internal static class CnnWorkload
{
    public const int Batch = 128;
    public const int InputSize = 1 * 28 * 28;
    public const int Classes = 10;

    /// <summary>Training steps per timed block, and the peer's warm-up steps (bench_train_steps' defaults).</summary>
    public const int StepsPerBlock = 10, WarmSteps = 5;

    /// <summary>Images per timed inference run: ten batches.</summary>
    public const int InferRows = 10 * Batch;

    public static Dictionary<string, object> Run(int threads, double budget)
    {
        var (features, targets) = MakeBatch(Batch, seed: 0);
        using var model = new CnnNet(Batch, seed: 0, Device.Cpu(threads));
        var adam = new Adam();
        var results = new Dictionary<string, object>();

        // The peer's five warm-up steps, then more until a second has passed: PyTorch runs compiled code from the first
        // step, while .NET's tiered JIT needs the calls (and 100 ms without new methods) before it optimises the step.
        WarmUp(() => model.TrainOnBatch(features, targets, adam), WarmSteps);
        List<double> blocks = Timing.Repeat(() =>
        {
            for (int i = 0; i < StepsPerBlock; i++)
            {
                model.TrainOnBatch(features, targets, adam);
            }
        }, warmup: 0, minReps: 5, maxReps: 15, budgetSeconds: budget);
        results["train_samples_per_s"] = Stats.Of([.. blocks.Select(s => Batch * StepsPerBlock / s)]);
        results["step_ms"] = Stats.Of([.. blocks.Select(s => s / StepsPerBlock * 1e3)]);

        var (images, _) = MakeBatch(InferRows, seed: 1);
        var outputs = new float[InferRows * Classes];
        WarmUp(() => model.Predict(images, outputs), 1);
        List<double> infer = Timing.Repeat(() => model.Predict(images, outputs), warmup: 0, minReps: 5, budgetSeconds: budget);
        results["infer_b128_samples_per_s"] = Stats.Of([.. infer.Select(s => InferRows / s)]);

        results["alloc_bytes_per_step"] = HotelWorkload.AllocatedPerStep(model, adam, features, targets);
        return results;
    }

    /// <summary>Runs <paramref name="action"/> at least <paramref name="calls"/> times and for at least a second.</summary>
    public static void WarmUp(Action action, int calls)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < calls || clock.ElapsedMilliseconds < 1000; i++)
        {
            action();
        }
    }

    /// <summary>
    /// <paramref name="rows"/> standard-normal images (Box-Muller), (rows, 1, 28, 28) row-major, and as many class
    /// indices drawn uniformly from 0 to 9 (as floats, the sparse targets' form), as the peer draws them.
    /// </summary>
    public static (float[] Features, float[] Targets) MakeBatch(int rows, int seed)
    {
        var random = new Random(seed);
        var features = new float[rows * InputSize];
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

        var targets = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            targets[i] = random.Next(Classes);
        }

        return (features, targets);
    }
}
