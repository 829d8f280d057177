using System.Diagnostics;
using ModelGen.Benchmarks.Models;

namespace ModelGen.Benchmarks;

/// <summary>
/// Where one CNN training step's time goes: real <see cref="CompiledModel.TrainOnBatch"/> steps on the workload's
/// batch of 128, every back-end call timed by its position in the step (median over the steps), listed in call
/// order and summed by operation; then one batch of inference the same way.
/// </summary>
internal static class CnnProfile
{
    public static void Run(int threads, int steps)
    {
        const int Batch = CnnWorkload.Batch;
        var (features, targets) = CnnWorkload.MakeBatch(Batch, seed: 0);
        var device = new ProfilingDevice(threads);
        using var model = new CnnNet(Batch, seed: 0, device);
        var adam = new Adam();
        ProfilingBackend backend = device.Backend!;

        // Tiered compilation must reach its optimised code first (see CnnWorkload.WarmUp).
        CnnWorkload.WarmUp(() => model.TrainOnBatch(features, targets, adam), 20);

        // The whole step on a model without the profiling wrapper (whose bookkeeping costs time of its own).
        using var plain = new CnnNet(Batch, seed: 0, ModelGen.Kernels.Device.Cpu(threads));
        CnnWorkload.WarmUp(() => plain.TrainOnBatch(features, targets, adam), 20);
        var whole = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            plain.TrainOnBatch(features, targets, adam);
            whole.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        backend.Recording = true;
        for (int i = 0; i < steps; i++)
        {
            backend.BeginStep();
            model.TrainOnBatch(features, targets, adam);
        }

        backend.Recording = false;
        var rows = backend.Medians().ToList();
        double total = rows.Sum(r => r.Microseconds);
        Console.WriteLine($"\n== CNN training step by call ({backend.Name}, batch {Batch}, median of {steps} steps)");
        Print(rows, total);
        double step = Stats.Of(whole).Median;
        Console.WriteLine(FormattableString.Invariant($"    {"whole step, unwrapped model (median)",-64} {step,9:F1}   -> {Batch / step * 1e6:F0} samples/s"));
        Console.WriteLine(FormattableString.Invariant($"    {"whole step, unwrapped model (fastest)",-64} {whole.Min(),9:F1}   -> {Batch / whole.Min() * 1e6:F0} samples/s"));
        PrintByOperation(rows, total);

        RunInference(threads, steps);
    }

    /// <summary>One batch of 128 through <see cref="CompiledModel.Predict(ReadOnlySpan{float}, Span{float})"/>, call by call.</summary>
    private static void RunInference(int threads, int calls)
    {
        const int Batch = CnnWorkload.Batch;
        var (images, _) = CnnWorkload.MakeBatch(Batch, seed: 1);
        var outputs = new float[Batch * CnnWorkload.Classes];
        var device = new ProfilingDevice(threads);
        using var model = new CnnNet(Batch, seed: 0, device);
        ProfilingBackend backend = device.Backend!;
        CnnWorkload.WarmUp(() => model.Predict(images, outputs), 20);

        var whole = new List<double>();
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            model.Predict(images, outputs);
            whole.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        backend.Recording = true;
        for (int i = 0; i < calls; i++)
        {
            backend.BeginStep();
            model.Predict(images, outputs);
        }

        var rows = backend.Medians().ToList();
        double total = rows.Sum(r => r.Microseconds);
        Console.WriteLine($"\n== CNN inference of one batch by call ({backend.Name}, batch {Batch}, median of {calls} calls)");
        Print(rows, total);
        double predict = Stats.Of(whole).Median;
        Console.WriteLine(FormattableString.Invariant($"    {"whole Predict, no timing around calls (median)",-64} {predict,9:F1}   -> {Batch / predict * 1e6:F0} samples/s"));
    }

    private static void Print(List<(string Label, double Microseconds)> rows, double total)
    {
        Console.WriteLine($"{"#",3} {"call",-64} {"us",9} {"share",7}");
        for (int i = 0; i < rows.Count; i++)
        {
            Console.WriteLine(FormattableString.Invariant($"{i,3} {rows[i].Label,-64} {rows[i].Microseconds,9:F1} {rows[i].Microseconds / total,7:P1}"));
        }

        Console.WriteLine(FormattableString.Invariant($"    {"sum of calls",-64} {total,9:F1}"));
    }

    // The calls summed by operation (the label's first word: Conv2DBackward, Gemm, AdamStep, ...), largest first.
    private static void PrintByOperation(List<(string Label, double Microseconds)> rows, double total)
    {
        Console.WriteLine("\n== by operation");
        foreach (var group in rows.GroupBy(r => r.Label.Split(' ')[0]).OrderByDescending(g => g.Sum(r => r.Microseconds)))
        {
            double us = group.Sum(r => r.Microseconds);
            Console.WriteLine(FormattableString.Invariant($"    {group.Key + " (" + group.Count() + (group.Count() == 1 ? " call)" : " calls)"),-64} {us,9:F1} {us / total,7:P1}"));
        }
    }
}
