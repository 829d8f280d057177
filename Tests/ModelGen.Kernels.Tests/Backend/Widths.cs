using ModelGen.Kernels.Cpu;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Tests.Backend;

/// <summary>Runs kernel calls at a forced vector width and, for the split kernels, over two threads.</summary>
internal static class Widths
{
    /// <summary>Every width a CPU kernel has a path for: AVX-512, AVX2, 128-bit and scalar.</summary>
    public static readonly int[] All = [512, 256, 128, 1];

    public static TheoryData<int> Data() => new(All);

    /// <summary>Every row of <paramref name="rows"/> once per width, the width appended last.</summary>
    public static IEnumerable<object[]> Times(IEnumerable<object[]> rows) =>
        rows.SelectMany(row => All.Select(width => row.Append(width).ToArray()));

    /// <summary>Runs <paramref name="action"/> with <see cref="SimdWidth.Forced"/> set to <paramref name="width"/> on this thread.</summary>
    public static void Run(int width, Action action)
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

    /// <summary>Runs <paramref name="action"/> at <paramref name="width"/> with every split kernel split however small its work.</summary>
    public static void RunSplit(int width, Action action)
    {
        CpuJob.SplitAlways = true;
        try
        {
            Run(width, action);
        }
        finally
        {
            CpuJob.SplitAlways = false;
        }
    }
}
