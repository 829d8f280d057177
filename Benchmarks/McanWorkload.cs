using ModelGen.Benchmarks.Models;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The MCAN workload, defined as Benchmarks/torch_mcan.py's bench_mcan (through the peer's bench_train_steps): the
/// generated <see cref="McanNet"/>, one fixed batch of 64 samples drawn once (questions of 4 to 11 tokens with ids in
/// [1, 30), padded with 0; regions uniform in [0, 1); answers in [0, 21)); training steps on that batch
/// (<see cref="CompiledModel.TrainOnBatch(IReadOnlyList{float[]}, ReadOnlySpan{float}, Optimizer)"/>: upload, forward,
/// loss, backward, Adam step), timed in blocks of 10 steps after warm-up, samples per second = 640 / block time.
/// Also the most bytes one step allocated, of 20 (0 is the rule).
/// </summary>
internal static class McanWorkload
{
    public const int Batch = 64;

    public static Dictionary<string, object> Run(int threads, double budget)
    {
        using CompiledModel model = new McanNet(Batch, seed: 0, Device.Cpu(threads));
        var (questions, regions, answers) = Data();
        float[][] inputs = [questions, regions];
        var adam = new Adam();
        CnnWorkload.WarmUp(() => model.TrainOnBatch(inputs, answers, adam), RecurrentWorkload.WarmSteps);
        List<double> blocks = Timing.Repeat(() =>
        {
            for (int i = 0; i < RecurrentWorkload.StepsPerBlock; i++)
            {
                model.TrainOnBatch(inputs, answers, adam);
            }
        }, warmup: 0, minReps: 5, maxReps: 15, budgetSeconds: budget);
        long allocated = 0;
        for (int i = 0; i < 20; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.TrainOnBatch(inputs, answers, adam);
            allocated = Math.Max(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return new Dictionary<string, object>
        {
            ["train_samples_per_s"] = Stats.Of([.. blocks.Select(s => Batch * RecurrentWorkload.StepsPerBlock / s)]),
            ["step_ms"] = Stats.Of([.. blocks.Select(s => s / RecurrentWorkload.StepsPerBlock * 1e3)]),
            ["alloc_bytes_per_step"] = allocated,
        };
    }

    /// <summary>The fixed batch, from one seeded stream.</summary>
    private static (float[] Questions, float[] Regions, float[] Answers) Data()
    {
        var random = new Random(0);
        var questions = new float[Batch * McanNet.Tokens];
        for (int row = 0; row < Batch; row++)
        {
            int length = random.Next(4, McanNet.Tokens + 1);
            for (int t = 0; t < length; t++)
            {
                questions[(row * McanNet.Tokens) + t] = random.Next(1, McanNet.Words);
            }
        }

        float[] regions = [.. Enumerable.Range(0, Batch * McanNet.Regions * McanNet.RegionWidth).Select(_ => (float)random.NextDouble())];
        float[] answers = [.. Enumerable.Range(0, Batch).Select(_ => (float)random.Next(McanNet.Answers))];
        return (questions, regions, answers);
    }
}
