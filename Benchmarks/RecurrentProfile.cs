using System.Diagnostics;

namespace ModelGen.Benchmarks;

/// <summary>
/// Where one recurrent training step's time goes (the LSTM, GRU or tanh-RNN workload): real
/// <see cref="CompiledModel.TrainOnBatch"/> steps on the workload's batch, every back-end call timed, then summed by
/// call label (an operation and its sizes: the 32 recurrent GEMMs of one shape make one line), largest first.
/// </summary>
internal static class RecurrentProfile
{
    public static void Run(string kind, int threads, int steps)
    {
        const int Batch = RecurrentWorkload.Batch;
        float[] features = RecurrentWorkload.Normal(Batch * RecurrentWorkload.Steps * RecurrentWorkload.Features, seed: 0);
        float[] targets = RecurrentWorkload.Normal(Batch, seed: 1);
        Summed(kind, device => RecurrentWorkload.Create(kind, device), features, targets, Batch, threads, steps);
    }

    /// <summary>
    /// Times <paramref name="steps"/> training steps of the model <paramref name="create"/> makes on one fixed batch,
    /// every back-end call by its label, and prints them summed by label, largest first, with the whole step of an
    /// unwrapped model below (also used by the transformer's profile).
    /// </summary>
    internal static void Summed(string title, Func<ModelGen.Kernels.Device, CompiledModel> create, float[] features, float[] targets, int batch, int threads, int steps)
    {
        var device = new ProfilingDevice(threads);
        using CompiledModel model = create(device);
        using CompiledModel plain = create(ModelGen.Kernels.Device.Cpu(threads));
        var adam = new Adam();
        ProfilingBackend backend = device.Backend!;
        // Past tiered compilation's background recompiles (about 57 transformer steps here), which otherwise share the
        // core with the first profiled steps and inflate millisecond calls about twice.
        CnnWorkload.WarmUp(() => model.TrainOnBatch(features, targets, adam), 80);
        CnnWorkload.WarmUp(() => plain.TrainOnBatch(features, targets, adam), 80);
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
        Console.WriteLine($"\n== {title} training step by call label ({backend.Name}, batch {batch}, median of {steps} steps per call, summed)");
        foreach (var group in rows.GroupBy(r => r.Label).OrderByDescending(g => g.Sum(r => r.Microseconds)))
        {
            double us = group.Sum(r => r.Microseconds);
            Console.WriteLine(FormattableString.Invariant($"    {group.Key + " (" + group.Count() + (group.Count() == 1 ? " call)" : " calls)"),-64} {us,9:F1} {us / total,7:P1}"));
        }

        Console.WriteLine(FormattableString.Invariant($"    {"sum of calls",-64} {total,9:F1}"));
        double step = Stats.Of(whole).Median;
        Console.WriteLine(FormattableString.Invariant($"    {"whole step, unwrapped model (median)",-64} {step,9:F1}   -> {batch / step * 1e6:F0} samples/s"));
    }
}
