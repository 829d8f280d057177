namespace ModelGen.Kernels.Gpu;

/// <summary>The sizes of one axis swap, x (O, F, M, S, I) into y (O, S, M, F, I), passed as one kernel parameter.</summary>
/// <param name="First">F, the first swapped axis (x's second).</param>
/// <param name="Middle">M, the axes between the two.</param>
/// <param name="Second">S, the second swapped axis (x's fourth).</param>
/// <param name="Innermost">I, the axes after both, moved as a block.</param>
/// <param name="Accumulate">1 when y += the swapped x.</param>
internal readonly record struct AxisSwap(int First, int Middle, int Second, int Innermost, int Accumulate);
