using System.Diagnostics;
using ModelGen.Benchmarks.Models;

namespace ModelGen.Benchmarks;

/// <summary>
/// Where one hotel training step's time goes: real <see cref="CompiledModel.TrainOnBatch"/> steps at batch 512,
/// every back-end call timed by its position in the step (median over the steps), listed in call order.
/// </summary>
internal static class HotelProfile
{
    public static void Run(int threads, int steps)
    {
        var (features, targets) = HotelWorkload.MakeData(seed: 0);
        const int Batch = HotelWorkload.Batch, Features = HotelWorkload.Features;
        var device = new ProfilingDevice(threads);
        using var model = new HotelNet(Batch, seed: 0, device);
        var adam = new Adam();
        ProfilingBackend backend = device.Backend!;
        int batches = HotelWorkload.Rows / Batch;
        void Step(int i)
        {
            int first = i % batches * Batch;
            backend.BeginStep();
            model.TrainOnBatch(features.AsSpan(first * Features, Batch * Features), targets.AsSpan(first, Batch), adam);
        }

        // Enough steps for tiered compilation to reach its optimised code.
        for (int i = 0; i < 400; i++)
        {
            Step(i);
        }

        // The whole step on a model without the profiling wrapper (whose bookkeeping costs time of its own).
        using var plain = new HotelNet(Batch, seed: 0, ModelGen.Kernels.Device.Cpu(threads));
        var whole = new List<double>();
        for (int i = 0; i < 400 + steps; i++)
        {
            int first = i % batches * Batch;
            long start = Stopwatch.GetTimestamp();
            plain.TrainOnBatch(features.AsSpan(first * Features, Batch * Features), targets.AsSpan(first, Batch), adam);
            if (i >= 400)
            {
                whole.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        // Steps on shuffled rows gathered here (what Fit's staging does), the gather timed apart.
        var order = Enumerable.Range(0, HotelWorkload.Rows).OrderBy(_ => Random.Shared.Next()).ToArray();
        var stageX = new float[Batch * Features];
        var stageY = new float[Batch];
        var gather = new List<double>();
        var gathered = new List<double>();
        for (int i = 0; i < 400 + steps; i++)
        {
            int first = i % batches * Batch;
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < Batch; r++)
            {
                int row = order[first + r];
                features.AsSpan(row * Features, Features).CopyTo(stageX.AsSpan(r * Features));
                stageY[r] = targets[row];
            }

            long mid = Stopwatch.GetTimestamp();
            plain.TrainOnBatch(stageX, stageY, adam);
            if (i >= 400)
            {
                gather.Add(Stopwatch.GetElapsedTime(start, mid).TotalMicroseconds);
                gathered.Add(Stopwatch.GetElapsedTime(mid).TotalMicroseconds);
            }
        }

        Console.WriteLine(FormattableString.Invariant($"gather {Stats.Of(gather).Median:F1} us, step after a gather {Stats.Of(gathered).Median:F1} us"));

        // The same steps through Fit (shuffled rows gathered into the staging buffer, loss checks), per step.
        var data = new Dataset(features, Features, targets, 1);
        var epochs = Timing.Repeat(() => plain.Fit(data, null, Batch, 1, adam, verbose: 0, metrics: []), warmup: 1, minReps: 3, maxReps: 5, budgetSeconds: 2);
        double fitStep = Stats.Of(epochs).Median / ((HotelWorkload.Rows + Batch - 1) / Batch) * 1e6;

        backend.Recording = true;
        for (int i = 0; i < steps; i++)
        {
            Step(i);
        }

        var rows = backend.Medians().ToList();
        double total = rows.Sum(r => r.Microseconds);
        Console.WriteLine($"\n== hotel training step by call ({backend.Name}, median of {steps} steps)");
        Console.WriteLine($"{"#",3} {"call",-44} {"us",9} {"share",7}");
        for (int i = 0; i < rows.Count; i++)
        {
            Console.WriteLine(FormattableString.Invariant($"{i,3} {rows[i].Label,-44} {rows[i].Microseconds,9:F1} {rows[i].Microseconds / total,7:P1}"));
        }

        double step = Stats.Of(whole).Median;
        Console.WriteLine(FormattableString.Invariant($"    {"sum of calls",-44} {total,9:F1}"));
        Console.WriteLine(FormattableString.Invariant($"    {"whole step, unwrapped model (median)",-44} {step,9:F1}   -> {Batch / step * 1e6:F0} samples/s"));
        Console.WriteLine(FormattableString.Invariant($"    {"one Fit epoch per step (median epoch)",-44} {fitStep,9:F1}   -> {Batch / fitStep * 1e6:F0} samples/s"));
    }

    /// <summary>Batch-1 inference (<see cref="CompiledModel.Predict(ReadOnlySpan{float}, Span{float})"/> on one row), call by call.</summary>
    public static void RunLatency(int threads, int calls)
    {
        var (features, _) = HotelWorkload.MakeData(seed: 0);
        var device = new ProfilingDevice(threads);
        using var model = new HotelNet(HotelWorkload.Batch, seed: 0, device);
        ProfilingBackend backend = device.Backend!;
        var output = new float[1];
        // Warm-up by the clock (see HotelWorkload): the tiered JIT must have promoted the batch-1 path.
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1000)
        {
            model.Predict(features.AsSpan(0, HotelWorkload.Features), output);
        }

        var whole = new List<double>();
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            model.Predict(features.AsSpan(0, HotelWorkload.Features), output);
            whole.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        backend.Recording = true;
        for (int i = 0; i < calls; i++)
        {
            backend.BeginStep();
            model.Predict(features.AsSpan(0, HotelWorkload.Features), output);
        }

        Console.WriteLine($"\n== hotel batch-1 inference by call (median of {calls} calls)");
        double total = 0;
        foreach (var (label, us) in backend.Medians())
        {
            total += us;
            Console.WriteLine(FormattableString.Invariant($"    {label,-44} {us,9:F2}"));
        }

        Console.WriteLine(FormattableString.Invariant($"    {"sum of calls",-44} {total,9:F2}"));
        Console.WriteLine(FormattableString.Invariant($"    {"whole Predict, unprofiled (median)",-44} {Stats.Of(whole).Median,9:F2}"));
        Console.WriteLine(FormattableString.Invariant($"    {"whole Predict, unprofiled (fastest)",-44} {whole.Min(),9:F2}"));
    }
}
