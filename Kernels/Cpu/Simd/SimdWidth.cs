using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Simd;

/// <summary>
/// Which vector width the CPU kernels use. Every kernel has a path per width (Vector512, Vector256, Vector128 and
/// scalar) and picks the widest the hardware accelerates and <see cref="Forced"/> allows, so tests run every
/// width's path in one process on one machine (and <c>DOTNET_EnableAVX512=0</c> or <c>DOTNET_EnableAVX2=0</c>
/// narrow the hardware for a whole process, as a benchmark does).
/// </summary>
internal static class SimdWidth
{
    /// <summary>
    /// Caps the vector width on this thread: 512, 256, 128, or 1 for scalar; 0 (the default) leaves the hardware's widest.
    /// For tests and measurements. Kernels that split work over the worker pool carry the caller's width into their jobs.
    /// </summary>
    [ThreadStatic]
    internal static int Forced;

    /// <summary>The widest width the hardware accelerates: 512, 256, 128, or 1.</summary>
    public static int Hardware { get; } =
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 1;

    /// <summary>The cap on this thread (512 when none is forced); kernels still check the hardware at each width.</summary>
    public static int Allowed => Forced == 0 ? 512 : Forced;

    /// <summary>The width kernels on this thread use: the hardware's widest within <see cref="Forced"/>.</summary>
    public static int Current => Math.Min(Allowed, Hardware);

    /// <summary>The widest width allowed and accelerated whose vector of floats fits in <paramref name="n"/> elements; 1 when none does.</summary>
    public static int Pick(int n)
    {
        int allowed = Allowed;
        if (allowed >= 512 && Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            return 512;
        }

        if (allowed >= 256 && Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            return 256;
        }

        if (allowed >= 128 && Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            return 128;
        }

        return 1;
    }

    /// <summary>The name of a width, for back-end names and reports: "AVX-512", "AVX2", "128-bit" or "scalar".</summary>
    public static string Describe(int width) => width switch
    {
        512 => "AVX-512",
        256 => "AVX2",
        128 => "128-bit",
        _ => "scalar",
    };
}
