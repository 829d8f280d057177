namespace ModelGen.Kernels.Tests;

/// <summary>Named tolerances: float kernels against double references.</summary>
internal static class Tolerance
{
    /// <summary>Element-wise float work against a double reference (a few ulps, plus exp/log approximations).</summary>
    public const double Elementwise = 1e-5;

    /// <summary>Reductions and GEMM: float sums over hundreds of terms.</summary>
    public const double Reduction = 1e-4;

    /// <summary>Float gradients against double central differences.</summary>
    public const double Gradient = 2e-4;

    /// <summary>Step of the central differences, on double-precision reference forwards.</summary>
    public const double FiniteDifferenceStep = 1e-5;
}
