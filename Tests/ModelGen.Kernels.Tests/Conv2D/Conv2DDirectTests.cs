using System.Diagnostics;
using ModelGen.Kernels.Cpu;
using ModelGen.Kernels.Cpu.Simd;
using ModelGen.Kernels.Tests.Reference;
using Xunit.Abstractions;

namespace ModelGen.Kernels.Tests.Conv2D;

/// <summary>The direct convolution (few taps, horizontal stride 1) the CPU back end picks for a first layer: no GEMM method forced.</summary>
public sealed class Conv2DDirectTests(ITestOutputHelper output)
{
    /// <summary>
    /// Geometries the direct path takes: 1x1 maps, one and three channels, output widths below, at and above a
    /// vector's (5, 17, 26: overlapping last vectors), filters not a multiple of the block of eight, "same" padding
    /// (columns and rows in the padding, an interior that is empty), a vertical stride, a 5x5 kernel (partial tap blocks).
    /// </summary>
    private static readonly Dictionary<string, Conv2DShape> Named = new()
    {
        ["1x1 map 1x1 kernel"] = Conv2DTests.Valid(1, 1, 1, 3, 1, 1, 1, 1),
        ["same 1x1 map 3x3"] = Conv2DTests.Same(1, 1, 1, 2, 3, 3, 1, 1),
        ["C1 3x3 ow 26"] = Conv2DTests.Valid(1, 6, 28, 8, 3, 3, 1, 1),
        ["C1 3x3 ow 5"] = Conv2DTests.Valid(1, 6, 7, 3, 3, 3, 1, 1),
        ["C3 3x3 ow 17 f9"] = Conv2DTests.Valid(3, 5, 19, 9, 3, 3, 1, 1),
        ["same C3 7x9"] = Conv2DTests.Same(3, 7, 9, 4, 3, 3, 1, 1),
        ["same stride (2, 1)"] = Conv2DTests.Same(2, 9, 11, 3, 3, 3, 2, 1),
        ["same 5x5 wide"] = Conv2DTests.Same(1, 6, 37, 10, 5, 5, 1, 1),
        ["same 5x5 on 2 rows"] = Conv2DTests.Same(1, 2, 20, 2, 5, 5, 1, 1),
    };

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Named.Keys)
        {
            foreach (int width in new[] { 512, 256, 128, 1 })
            {
                data.Add(name, width);
            }
        }

        return data;
    }

    [Fact]
    public void Rule_TakesFewTapsAndUnitHorizontalStride()
    {
        foreach (Conv2DShape s in Named.Values)
        {
            Assert.True(Conv2DDirectCpu.Applies(s), s.ToString());
        }

        Assert.False(Conv2DDirectCpu.Applies(Conv2DTests.Valid(32, 13, 13, 64, 3, 3, 1, 1))); // conv2: 288 taps, GEMM
        Assert.False(Conv2DDirectCpu.Applies(Conv2DTests.Valid(4, 9, 9, 2, 3, 3, 1, 1))); // 36 taps
        Assert.False(Conv2DDirectCpu.Applies(Conv2DTests.Valid(1, 9, 9, 2, 3, 3, 1, 2))); // horizontal stride 2
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_MatchesReference(string name, int width)
    {
        foreach (ActivationKind activation in new[] { ActivationKind.Linear, ActivationKind.ReLU, ActivationKind.Sigmoid, ActivationKind.Tanh })
        {
            RunForward(Named[name], 3, activation, width);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_MatchesFiniteDifferences(string name, int width)
    {
        RunBackward(Named[name], 2, width, withDx: true);
        RunBackward(Named[name], 2, width, withDx: false);
    }

    [Fact]
    public void BenchmarkConv1_MatchesReference()
    {
        Conv2DShape s = Conv2DTests.Valid(1, 28, 28, 32, 3, 3, 1, 1);
        RunForward(s, 2, ActivationKind.ReLU, width: 0);
        RunBackward(s, 1, width: 0, withDx: false);
    }

    [Fact]
    public void WarmCalls_AllocateNothing()
    {
        Conv2DShape s = Conv2DTests.Same(3, 12, 21, 10, 3, 3, 1, 1);
        const int batch = 4;
        using var arena = new TestArena();
        var random = new Random(42);
        Buf x = arena.Put(TestData.Uniform(random, batch * s.InputSize)), w = arena.Put(TestData.Uniform(random, s.WeightSize));
        Buf bias = arena.Put(TestData.Uniform(random, s.Filters)), y = arena.Zeros(batch * s.OutputSize), dy = arena.Put(TestData.Uniform(random, batch * s.OutputSize));
        Buf patches = arena.Zeros(batch * s.Positions * s.PatchSize), rows = arena.Zeros(batch * s.Positions * s.Filters);
        Buf dw = arena.Zeros(s.WeightSize), db = arena.Zeros(s.Filters), dx = arena.Zeros(batch * s.InputSize);
        void Step()
        {
            arena.Backend.Conv2DForward(x, w, bias, patches, rows, y, batch, s, ActivationKind.ReLU);
            arena.Backend.Conv2DForward(x, w, bias, patches, rows, y, batch, s, ActivationKind.Tanh);
            arena.Backend.Conv2DBackward(x, w, dy, patches, rows, dw, db, dx, batch, s);
            arena.Backend.Conv2DBackward(x, w, dy, patches, rows, dw, db, default, batch, s);
        }

        Assert.Equal(0, TestData.SteadyStateBytes(Step));
    }

    private static void RunForward(Conv2DShape s, int batch, ActivationKind activation, int width) =>
        Conv2DTests.CheckForward(s, batch, activation, run => Force(width, run), $"{s}, {activation}, width {width}");

    private static void RunBackward(Conv2DShape s, int batch, int width, bool withDx) =>
        Conv2DTests.CheckBackward(s, batch, withDx, run => Force(width, run), $"{s}, width {width}");

    /// <summary>Runs <paramref name="action"/> with the direct path's vector width forced on this thread.</summary>
    private static void Force(int width, Action action)
    {
        SimdWidth.Forced = width;
        try
        {
            action();
        }
        finally
        {
            SimdWidth.Forced = 0;
        }
    }

    /// <summary>Milliseconds of the benchmark's first convolution (batch 128, 1x28x28 -> 32x26x26, one thread), the fastest of ten; run with --filter Category=Perf.</summary>
    [Fact]
    [Trait("Category", "Perf")]
    public void BenchmarkConv1_ReportsMilliseconds()
    {
        const int batch = 128;
        Conv2DShape s = Conv2DTests.Valid(1, 28, 28, 32, 3, 3, 1, 1);
        var random = new Random(42);
        int patchCount = batch * s.Positions * s.PatchSize, rowCount = batch * s.Positions * s.Filters; // sized as the back end checks, unused here
        using var arena = new TestArena((batch * s.InputSize) + patchCount + rowCount + (2 * batch * s.OutputSize) + (2 * s.WeightSize) + (2 * s.Filters) + 1024);
        Buf x = arena.Put(TestData.Uniform(random, batch * s.InputSize)), w = arena.Put(TestData.Uniform(random, s.WeightSize));
        Buf bias = arena.Put(TestData.Uniform(random, s.Filters)), y = arena.Zeros(batch * s.OutputSize), dy = arena.Put(TestData.Uniform(random, batch * s.OutputSize));
        Buf dw = arena.Zeros(s.WeightSize), db = arena.Zeros(s.Filters), patches = arena.Zeros(patchCount), rows = arena.Zeros(rowCount);
        double forward = double.MaxValue, backward = double.MaxValue;
        for (int r = 0; r < 11; r++)
        {
            long start = Stopwatch.GetTimestamp();
            arena.Backend.Conv2DForward(x, w, bias, patches, rows, y, batch, s, ActivationKind.ReLU);
            long middle = Stopwatch.GetTimestamp();
            arena.Backend.Conv2DBackward(x, w, dy, patches, rows, dw, db, default, batch, s);
            long end = Stopwatch.GetTimestamp();
            forward = Math.Min(forward, Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds);
            backward = Math.Min(backward, Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
        }

        output.WriteLine($"direct conv1 batch {batch}: forward {forward:F3} ms, backward (no dx) {backward:F3} ms");
    }
}
