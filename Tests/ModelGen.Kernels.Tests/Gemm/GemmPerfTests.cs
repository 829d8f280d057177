using System.Diagnostics;
using Xunit.Abstractions;

namespace ModelGen.Kernels.Tests.Gemm;

/// <summary>GFLOP/s of the single-threaded GEMM; run with --filter Category=Perf and read the output.</summary>
public sealed class GemmPerfTests(ITestOutputHelper output)
{
    private const int Repeats = 3;

    [Theory]
    [Trait("Category", "Perf")]
    [InlineData(512)]
    [InlineData(1024)]
    [InlineData(2048)]
    public void Gemm_SquareSingleThread_ReportsGflops(int size)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, size * size), b = TestData.Uniform(random, size * size);
        using var arena = new TestArena(3 * size * size, threads: 1);
        Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Zeros(size * size);
        arena.Backend.Gemm(false, false, size, size, size, 1f, av, bv, 0f, cv);

        double best = double.MaxValue;
        for (int r = 0; r < Repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            arena.Backend.Gemm(false, false, size, size, size, 1f, av, bv, 0f, cv);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        double gflops = 2.0 * size * size * size / best / 1e9;
        output.WriteLine($"GEMM {size}^3, 1 thread, {arena.Backend.Name}: {gflops:F1} GFLOP/s ({best * 1e3:F2} ms)");

        // A few entries against direct dot products, so the timed product is also a checked one.
        float[] c = arena.Get(cv);
        foreach ((int i, int j) in new[] { (0, 0), (size - 1, size - 1), (size / 3, size / 2) })
        {
            double expected = 0;
            for (int p = 0; p < size; p++)
            {
                expected += (double)a[(i * size) + p] * b[(p * size) + j];
            }

            Assert.True(Math.Abs(c[(i * size) + j] - expected) <= Tolerance.Reduction * Math.Sqrt(size) * (1 + Math.Abs(expected)));
        }
    }
}
