using ModelGen.Benchmarks.Models;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The recurrent workloads, defined as the peer's bench_rnn (through its bench_train_steps): for each of LSTM, GRU and
/// tanh RNN, one fixed batch of 64 sequences of 32 steps of 16 standard-normal features with standard-normal targets,
/// drawn once; training steps on that batch (<see cref="CompiledModel.TrainOnBatch"/>: upload, forward through time,
/// loss, backward through time, Adam step), timed in blocks of 10 steps after warm-up, samples per second = 640 /
/// block time. Also the bytes allocated per step (0 is the rule).
/// </summary>
internal static class RecurrentWorkload
{
    public const int Batch = 64, Steps = 32, Features = 16;

    /// <summary>Training steps per timed block, and the peer's warm-up steps (bench_train_steps' defaults).</summary>
    public const int StepsPerBlock = 10, WarmSteps = 5;

    /// <summary>Runs one of "lstm", "gru" or "rnn_tanh".</summary>
    public static Dictionary<string, object> Run(string kind, int threads, double budget)
    {
        var device = Device.Cpu(threads);
        using CompiledModel model = Create(kind, device);

        float[] features = Normal(Batch * Steps * Features, seed: 0);
        float[] targets = Normal(Batch, seed: 1);
        var adam = new Adam();
        CnnWorkload.WarmUp(() => model.TrainOnBatch(features, targets, adam), WarmSteps);
        List<double> blocks = Timing.Repeat(() =>
        {
            for (int i = 0; i < StepsPerBlock; i++)
            {
                model.TrainOnBatch(features, targets, adam);
            }
        }, warmup: 0, minReps: 5, maxReps: 15, budgetSeconds: budget);
        return new Dictionary<string, object>
        {
            ["train_samples_per_s"] = Stats.Of([.. blocks.Select(s => Batch * StepsPerBlock / s)]),
            ["step_ms"] = Stats.Of([.. blocks.Select(s => s / StepsPerBlock * 1e3)]),
            ["alloc_bytes_per_step"] = HotelWorkload.AllocatedPerStep(model, adam, features, targets),
        };
    }

    /// <summary>The workload's model of <paramref name="kind"/> (lstm, gru or rnn_tanh) with room for one batch.</summary>
    internal static CompiledModel Create(string kind, Device device) => kind switch
    {
        "lstm" => new LstmReg(Batch, seed: 0, device),
        "gru" => new GruReg(Batch, seed: 0, device),
        "rnn_tanh" => new RnnReg(Batch, seed: 0, device),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "lstm, gru or rnn_tanh"),
    };

    /// <summary><paramref name="count"/> standard-normal floats (Box-Muller), seeded, as the peer's torch.randn.</summary>
    internal static float[] Normal(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i += 2)
        {
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u));
            values[i] = (float)(radius * Math.Cos(2 * Math.PI * v));
            if (i + 1 < count)
            {
                values[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * v));
            }
        }

        return values;
    }
}
