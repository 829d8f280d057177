using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>GEMM GFLOP/s of the CPU back end at 512, 1024 and 2048 (square, row-major, C = A B).</summary>
internal static class GemmWorkload
{
    public static Dictionary<string, Stats> Run(int threads, double budget)
    {
        var results = new Dictionary<string, Stats>();
        foreach (int n in (int[])[512, 1024, 2048])
        {
            int size = n * n;
            using var backend = Device.Cpu(threads).CreateBackend(3 * size);
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
            var seconds = Timing.Repeat(() => backend.Gemm(false, false, n, n, n, 1f, a, b, 0f, c), warmup: 2, budgetSeconds: budget);
            results[$"modelgen_{n}"] = Stats.Of([.. seconds.Select(s => 2.0 * n * n * n / s / 1e9)]);
        }

        return results;
    }
}
