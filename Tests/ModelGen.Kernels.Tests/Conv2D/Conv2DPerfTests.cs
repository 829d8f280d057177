using System.Diagnostics;
using ModelGen.Kernels.Cpu;
using ModelGen.Kernels.Cpu.Simd;
using Xunit.Abstractions;
using Method = ModelGen.Kernels.Cpu.Conv2DCpu.ConvMethod;

namespace ModelGen.Kernels.Tests.Conv2D;

/// <summary>Milliseconds of the benchmark network's convolutions at batch 128 on one thread, per method; run with --filter Category=Perf and read the output.</summary>
public sealed class Conv2DPerfTests(ITestOutputHelper output)
{
    private const int Batch = 128;
    private const int Repeats = 10;

    [Theory]
    [Trait("Category", "Perf")]
    [InlineData("conv1", 1, 28, 28, 32, false)]
    [InlineData("conv2", 32, 13, 13, 64, true)]
    public void Conv2D_BenchmarkShapes_ReportsMilliseconds(string name, int channels, int height, int width, int filters, bool withDx)
    {
        Conv2DShape s = Conv2DTests.Valid(channels, height, width, filters, 3, 3, 1, 1);
        var random = new Random(42);
        int patchCount = Batch * s.Positions * s.PatchSize, rowCount = Batch * s.Positions * s.Filters;
        using var arena = new TestArena((3 * Batch * s.InputSize) + patchCount + rowCount + (2 * Batch * s.OutputSize) + (3 * s.WeightSize) + 1024);
        Buf x = arena.Put(TestData.Uniform(random, Batch * s.InputSize)), w = arena.Put(TestData.Uniform(random, s.WeightSize));
        Buf bias = arena.Put(TestData.Uniform(random, s.Filters)), y = arena.Zeros(Batch * s.OutputSize), dy = arena.Put(TestData.Uniform(random, Batch * s.OutputSize));
        Buf patches = arena.Zeros(patchCount), rows = arena.Zeros(rowCount);
        Buf dw = arena.Zeros(s.WeightSize), db = arena.Zeros(s.Filters), dx = withDx ? arena.Zeros(Batch * s.InputSize) : default;
        foreach ((Method method, int chunk) in new[] { (Method.ChannelMajor, 0), (Method.ChannelMajor, 128),
            (Method.ChannelMajor, 16), (Method.ChannelMajor, 4), (Method.ChannelMajor, 1), (Method.RowMajor, 0), (Method.PerSample, 0) })
        {
            Conv2DCpu.ForcedMethod = method;
            Conv2DCpu.ForcedChunk = chunk;
            try
            {
                double forward = double.MaxValue, backward = double.MaxValue;
                for (int r = 0; r < Repeats + 1; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    arena.Backend.Conv2DForward(x, w, bias, patches, rows, y, Batch, s, ActivationKind.ReLU);
                    long middle = Stopwatch.GetTimestamp();
                    arena.Backend.Conv2DBackward(x, w, dy, patches, rows, dw, db, dx, Batch, s);
                    long end = Stopwatch.GetTimestamp();
                    forward = Math.Min(forward, Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds);
                    backward = Math.Min(backward, Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
                }

                output.WriteLine($"{name} {s.Channels}x{s.Height}x{s.Width} -> {s.Filters}x{s.OutHeight}x{s.OutWidth}, batch {Batch}, {method}{(chunk > 0 ? $" chunk {chunk}" : "")}: " +
                    $"forward {forward:F2} ms, backward{(withDx ? "" : " (no dx)")} {backward:F2} ms, total {forward + backward:F2} ms");
            }
            finally
            {
                Conv2DCpu.ForcedMethod = null;
                Conv2DCpu.ForcedChunk = 0;
            }
        }
    }

    [Theory]
    [Trait("Category", "Perf")]
    [InlineData(32, 26, 26)]
    [InlineData(64, 11, 11)]
    public void MaxPool2x2_BenchmarkShapes_ReportsMilliseconds(int channels, int height, int width)
    {
        var s = new Pool2DShape(channels, height, width, 2, 2, 2, 2, height / 2, width / 2);
        using var arena = new TestArena((2 * Batch * s.InputSize) + (2 * Batch * s.OutputSize));
        Buf x = arena.Put(TestData.Uniform(new Random(42), Batch * s.InputSize)), dx = arena.Zeros(Batch * s.InputSize);
        Buf y = arena.Zeros(Batch * s.OutputSize), a = arena.Zeros(Batch * s.OutputSize);
        foreach (int vectorWidth in new[] { 0, 256, 128, 1 })
        {
        SimdWidth.Forced = vectorWidth;
        double forward = double.MaxValue, backward = double.MaxValue;
        for (int r = 0; r < Repeats + 1; r++)
        {
            long start = Stopwatch.GetTimestamp();
            arena.Backend.MaxPool2DForward(x, y, a, Batch, s);
            long middle = Stopwatch.GetTimestamp();
            arena.Backend.MaxPool2DBackward(y, a, default, dx, Batch, s);
            long end = Stopwatch.GetTimestamp();
            forward = Math.Min(forward, Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds);
            backward = Math.Min(backward, Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
        }

        SimdWidth.Forced = 0;
        output.WriteLine($"max pool 2x2 {channels}x{height}x{width}, batch {Batch}, width {vectorWidth}: forward {forward:F2} ms, backward {backward:F2} ms");
        }
    }
}
