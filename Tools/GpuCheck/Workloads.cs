using System.Diagnostics;
using ModelGen.Kernels;
using ModelGen.Tools.GpuCheck.Models;

namespace ModelGen.Tools.GpuCheck;

/// <summary>
/// The standard workloads of DESIGN.md section 6 that the layers built so far can express (the hotel MLP,
/// the breast-cancer network, GEMM), each timed on a device after a warm-up that compiles the kernels.
/// </summary>
internal static class Workloads
{
    private const int HotelBatch = 512;
    private const int CancerBatch = 32;
    private const int LatencyRuns = 200;

    /// <summary>
    /// Every workload on both devices; <paramref name="small"/> shrinks the data and the GEMMs so that ILGPU's
    /// CPU accelerator finishes (a smoke run of this program without a GPU; its figures mean nothing).
    /// </summary>
    public static List<WorkloadRow> Run(Device cpu, Device gpu, bool small, Action<string> progress)
    {
        var rows = new List<WorkloadRow>();
        Dataset hotel = Synthetic(HotelBatch * (small ? 1 : 16), 63, seed: 1);
        Dataset cancer = Synthetic(CancerBatch * (small ? 4 : 64), 30, seed: 2);
        WorkloadRow Row(string name, string unit, Func<Device, double> measure, bool lowerIsBetter = false)
        {
            progress(name);
            var row = new WorkloadRow(name, unit, measure(cpu), measure(gpu), lowerIsBetter);
            rows.Add(row);
            return row;
        }

        Row("Hotel MLP train, batch 512", "samples/s", d => HotelTrain(d, hotel));
        Row("Hotel MLP inference, batch 512", "samples/s", d => HotelInference(d, hotel));
        Row("Hotel MLP inference, batch 1", "us/sample", d => HotelLatency(d, hotel), lowerIsBetter: true);
        Row("CancerNet train, batch 32", "samples/s", d => CancerTrain(d, cancer));
        foreach (int n in small ? [64, 128] : new[] { 512, 1024, 2048 })
        {
            Row($"GEMM {n}", "GFLOP/s", d => GemmGflops(d, n));
        }

        return rows;
    }

    private static double HotelTrain(Device device, Dataset data)
    {
        using var model = new HotelNet(HotelBatch, seed: 1, device: device);
        var adam = new Adam();
        model.Fit(data, null, HotelBatch, epochs: 1, adam, verbose: 0);
        long start = Stopwatch.GetTimestamp();
        model.Fit(data, null, HotelBatch, epochs: 2, adam, verbose: 0);
        return 2.0 * data.Count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double HotelInference(Device device, Dataset data)
    {
        using var model = new HotelNet(HotelBatch, seed: 1, device: device);
        var outputs = new float[data.Count];
        model.Predict(data.Features, outputs);
        long start = Stopwatch.GetTimestamp();
        const int Runs = 3;
        for (int r = 0; r < Runs; r++)
        {
            model.Predict(data.Features, outputs);
        }

        return Runs * (double)data.Count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The median time of one single-row prediction (upload, forward, download), in microseconds.</summary>
    private static double HotelLatency(Device device, Dataset data)
    {
        using var model = new HotelNet(1, seed: 1, device: device);
        ReadOnlySpan<float> row = data.Features.AsSpan(0, 63);
        var output = new float[1];
        var times = new double[LatencyRuns];
        for (int r = -20; r < LatencyRuns; r++)
        {
            long start = Stopwatch.GetTimestamp();
            model.Predict(row, output);
            if (r >= 0)
            {
                times[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        Array.Sort(times);
        return times[LatencyRuns / 2];
    }

    private static double CancerTrain(Device device, Dataset data)
    {
        using var model = new CancerNet(CancerBatch, seed: 1, device: device);
        var adam = new Adam();
        model.Fit(data, null, CancerBatch, epochs: 1, adam, verbose: 0);
        long start = Stopwatch.GetTimestamp();
        model.Fit(data, null, CancerBatch, epochs: 2, adam, verbose: 0);
        return 2.0 * data.Count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>C (n, n) = A B, the best of a few timed runs after a warm-up; a one-float download waits for the device.</summary>
    private static double GemmGflops(Device device, int n)
    {
        int size = n * n;
        using IBackend backend = device.CreateBackend(3 * size);
        var a = new Buf(0, size);
        var b = new Buf(size, size);
        var c = new Buf(2 * size, size);
        var random = new Random(42);
        var host = new float[size];
        for (int i = 0; i < size; i++)
        {
            host[i] = (float)random.NextDouble();
        }

        backend.Upload(host, a);
        backend.Upload(host, b);
        var probe = new float[1];
        backend.Gemm(false, false, n, n, n, 1f, a, b, 0f, c);
        backend.Download(c.Take(1), probe);
        double best = double.MaxValue;
        long budgetStart = Stopwatch.GetTimestamp();
        for (int r = 0; r < 20 && (r < 3 || Stopwatch.GetElapsedTime(budgetStart).TotalSeconds < 2); r++)
        {
            long start = Stopwatch.GetTimestamp();
            backend.Gemm(false, false, n, n, n, 1f, a, b, 0f, c);
            backend.Download(c.Take(1), probe);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return 2.0 * n * n * n / best / 1e9;
    }

    /// <summary>Standard-normal-ish features and 0/1 labels from a seeded generator (timing only; the values do not matter).</summary>
    private static Dataset Synthetic(int rows, int width, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * width];
        var y = new float[rows];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
        }

        for (int i = 0; i < rows; i++)
        {
            y[i] = x[i * width] + x[(i * width) + 1] > 0 ? 1f : 0f;
        }

        return new Dataset(x, width, y, 1);
    }
}
