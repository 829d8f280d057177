using ModelGen.Benchmarks.Models;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The transformer encoder workload, defined as the peer's bench_tfm (through its bench_train_steps): the generated
/// <see cref="EncReg"/> (nn.TransformerEncoderLayer(128, 4, 512) with dropout 0.1, the mean over time, Linear(128, 1),
/// MSE), one fixed batch of 32 sequences of 64 steps of 128 standard-normal features with standard-normal targets,
/// drawn once; training steps on that batch (<see cref="CompiledModel.TrainOnBatch"/>: upload, forward, loss,
/// backward, Adam step), timed in blocks of 10 steps after warm-up, samples per second = 320 / block time. Also the
/// bytes allocated per step (0 is the rule).
/// </summary>
internal static class TransformerWorkload
{
    public const int Batch = 32, Steps = 64, Width = 128;

    public static Dictionary<string, object> Run(int threads, double budget)
    {
        var device = Device.Cpu(threads);
        using CompiledModel model = Create(device);

        float[] features = RecurrentWorkload.Normal(Batch * Steps * Width, seed: 0);
        float[] targets = RecurrentWorkload.Normal(Batch, seed: 1);
        var adam = new Adam();
        CnnWorkload.WarmUp(() => model.TrainOnBatch(features, targets, adam), RecurrentWorkload.WarmSteps);
        List<double> blocks = Timing.Repeat(() =>
        {
            for (int i = 0; i < RecurrentWorkload.StepsPerBlock; i++)
            {
                model.TrainOnBatch(features, targets, adam);
            }
        }, warmup: 0, minReps: 5, maxReps: 15, budgetSeconds: budget);
        return new Dictionary<string, object>
        {
            ["train_samples_per_s"] = Stats.Of([.. blocks.Select(s => Batch * RecurrentWorkload.StepsPerBlock / s)]),
            ["step_ms"] = Stats.Of([.. blocks.Select(s => s / RecurrentWorkload.StepsPerBlock * 1e3)]),
            ["alloc_bytes_per_step"] = HotelWorkload.AllocatedPerStep(model, adam, features, targets),
        };
    }

    /// <summary>The workload's model with room for one batch.</summary>
    internal static CompiledModel Create(Device device) => new EncReg(Batch, seed: 0, device);

    /// <summary>Per-call times of <paramref name="steps"/> training steps, summed by call label (--profile-transformer).</summary>
    public static void Profile(int threads, int steps)
    {
        float[] features = RecurrentWorkload.Normal(Batch * Steps * Width, seed: 0);
        float[] targets = RecurrentWorkload.Normal(Batch, seed: 1);
        RecurrentProfile.Summed("transformer_enc", Create, features, targets, Batch, threads, steps);
    }
}
