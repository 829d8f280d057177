using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// x (K), W (N rows of K floats, <c>stride</c> floats apart), y (N): y[r] = alpha * dot(x, W_r) + beta * y[r],
/// sixteen rows at a time, for K and the stride multiples of 16. The matrix-vector step of batch-1 inference
/// (y = W x with W stored (out, in), PyTorch's layout), where every weight is read once per call from L2, so the
/// kernel is built to stream at L2 bandwidth. Every row then starts at the same offset within a 64-byte line, so
/// x is copied once, shifted by that offset, into an aligned buffer, and each row is read front to back with
/// line-aligned loads into four FMA chains: one sequential stream per row, and no load touching two lines (a
/// misaligned 64-byte load costs the L1 twice). Each block's sixteen row vectors are reduced together by a
/// transpose-and-add tree into one vector of sums (15 shuffle pairs and adds, instead of a horizontal sum per
/// row), scaled and stored at once. The 256- and 128-bit paths do the same with lines of 8 and 4 floats: the lanes
/// outside the row are cleared by an and with a mask (an aligned load never crosses a page), and the sixteen row
/// vectors are reduced by horizontal adds, eight or four rows to a vector.
/// </summary>
/// <remarks>
/// Measured on a Zen 5 core, 256 x 256 with the weights in L2 (reading the 256 KB alone: 1.6 us): four-row dot
/// products 2.3 us, sixteen rows walked side by side 2.4 us, rows streamed misaligned 2.3 us, this 1.8-1.9 us.
/// With K = 63 the rows cannot all be aligned and sixteen side by side lost to the four-row dot products
/// (0.74 against 0.61 us), so other shapes stay there.
/// </remarks>
[SkipLocalsInit]
internal static unsafe class GemvRows16
{
    /// <summary>Rows computed per block.</summary>
    public const int Rows = 16;

    /// <summary>The longest row x is copied for (16 KB of stack).</summary>
    private const int MaxStreamedDepth = 4096;

    /// <summary>Whether the kernel has a path at <paramref name="width"/> on this hardware (AVX-512, AVX2, any 128-bit SIMD).</summary>
    public static bool IsSupported(int width) => width switch
    {
        512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
        256 => Avx2.IsSupported && Vector256.IsHardwareAccelerated,
        128 => Vector128.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>
    /// y[r] = alpha * dot(x, W_r) + beta * y[r] for the rows r &lt; N rounded down to 16, W_r = w + r * stride
    /// (K floats each), with vectors of <paramref name="width"/> bits (see <see cref="IsSupported"/>); beta 0 ignores
    /// y. Returns how many rows it did: none unless K and the stride are multiples of 16 and K is at most 4096.
    /// </summary>
    // Optimised at first call: inference at batch 1 may be a program's only use, and measured in tier-0 code
    // (the tiered JIT had not promoted it after 20,000 Predict calls) the hotel model's products took 5-9 us, not 2.6.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Run(int width, float* x, float* w, int n, int k, nint stride, float alpha, float beta, float* y)
    {
        int blocks = n / Rows;
        if (blocks == 0)
        {
            return 0;
        }

        if (k % 16 == 0 && stride % 16 == 0 && k <= MaxStreamedDepth)
        {
            // Rows start (shift) floats into their line (of 16, 8 or 4 floats: one vector); x moves the same way,
            // zeros around it, so that xs[c * lanes + i] meets the aligned weight load at row - shift + c * lanes + i.
            int lanes = width / 32;
            int shift = (int)(((nint)w >> 2) & (lanes - 1));
            float* raw = stackalloc float[k + 48];
            float* xs = (float*)(((nint)raw + 63) & ~(nint)63);
            new Span<float>(xs, 16).Clear();
            new Span<float>(xs + k, 16).Clear();
            new ReadOnlySpan<float>(x, k).CopyTo(new Span<float>(xs + shift, k));
            for (int b = 0; b < blocks; b++)
            {
                float* lines = w + (b * Rows * stride) - shift;
                switch (width)
                {
                    case 512: Streamed(xs, lines, shift, k, stride, alpha, beta, y + (b * Rows)); break;
                    case 256: Streamed256(xs, lines, shift, k, stride, alpha, beta, y + (b * Rows)); break;
                    default: Streamed128(xs, lines, shift, k, stride, alpha, beta, y + (b * Rows)); break;
                }
            }
        }
        else
        {
            return 0;
        }

        return blocks * Rows;
    }

    /// <summary>
    /// One block on the aligned path: xs (16 + K, aligned, x at <paramref name="shift"/>), lines (16 rows from a
    /// line start, each <paramref name="shift"/> floats before its row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Streamed(float* xs, float* lines, int shift, int k, nint stride, float alpha, float beta, float* y)
    {
        // Each row's folded vector parks in L1 until the tree takes all sixteen.
        float* rows = stackalloc float[Rows * 16];
        Vector512<float> z = Vector512<float>.Zero;
        Vector512<float> head = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(shift)).AsSingle();
        Vector512<float> tail = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(shift)).AsSingle();
        int first = shift == 0 ? 0 : 16, end = k;
        for (int r = 0; r < Rows; r++)
        {
            float* q = lines + (r * stride);
            Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
            if (shift != 0)
            {
                // The lanes before the row (the line's start) are masked off: they may hold anything, NaN included.
                b0 = Vector512.FusedMultiplyAdd(Vector512.LoadAligned(xs), Avx512F.MaskLoad(q, head, z), b0);
                b1 = Vector512.FusedMultiplyAdd(Vector512.LoadAligned(xs + k), Avx512F.MaskLoad(q + k, tail, z), b1);
            }

            int c = first;
            for (; c <= end - 64; c += 64)
            {
                b0 = Vector512.FusedMultiplyAdd(Vector512.LoadAligned(xs + c), Vector512.LoadAligned(q + c), b0);
                b1 = Vector512.FusedMultiplyAdd(Vector512.LoadAligned(xs + c + 16), Vector512.LoadAligned(q + c + 16), b1);
                b2 = Vector512.FusedMultiplyAdd(Vector512.LoadAligned(xs + c + 32), Vector512.LoadAligned(q + c + 32), b2);
                b3 = Vector512.FusedMultiplyAdd(Vector512.LoadAligned(xs + c + 48), Vector512.LoadAligned(q + c + 48), b3);
            }

            for (; c < end; c += 16)
            {
                b2 = Vector512.FusedMultiplyAdd(Vector512.LoadAligned(xs + c), Vector512.LoadAligned(q + c), b2);
            }

            ((b0 + b1) + (b2 + b3)).Store(rows + (r * 16));
        }

        Finish(rows, alpha, beta, y);
    }

    /// <summary>
    /// One block at 256 bits: as <see cref="Streamed"/> with lines of 8 floats, but two rows at a time sharing each
    /// load of x (256 x 256 on Zen 5 with AVX-512 off: 2.9 us one row at a time, 2.5 two, 2.5 four, 3.2 the four-row
    /// dot products), as at this width the loads, not L2, are the limit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Streamed256(float* xs, float* lines, int shift, int k, nint stride, float alpha, float beta, float* y)
    {
        float* rows = stackalloc float[Rows * 8];
        var head = new V256(Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(shift)).AsSingle());
        var tail = new V256(~Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(shift)).AsSingle());
        int first = shift == 0 ? 0 : 8;
        for (int r = 0; r < Rows; r += 2)
        {
            (V256 row0, V256 row1) = TwoRows(xs, lines + (r * stride), stride, shift, first, k, head, tail);
            row0.Store(rows + (r * 8));
            row1.Store(rows + ((r + 1) * 8));
        }

        for (int half = 0; half < 2; half++)
        {
            float* v = rows + (half * 64);
            Vector256<float> sums = Reduce8(
                Vector256.Load(v), Vector256.Load(v + 8), Vector256.Load(v + 16), Vector256.Load(v + 24),
                Vector256.Load(v + 32), Vector256.Load(v + 40), Vector256.Load(v + 48), Vector256.Load(v + 56));
            float* yh = y + (half * 8);
            if (alpha != 1f)
            {
                sums *= Vector256.Create(alpha);
            }

            if (beta != 0f)
            {
                sums = Vector256.FusedMultiplyAdd(Vector256.Load(yh), Vector256.Create(beta), sums);
            }

            sums.Store(yh);
        }
    }

    /// <summary>Eight vectors to one vector of their sums: horizontal adds within 128-bit halves, then the halves added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Reduce8(Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3,
        Vector256<float> v4, Vector256<float> v5, Vector256<float> v6, Vector256<float> v7)
    {
        // Per half: [sum v0, sum v1, sum v2, sum v3] over that half's lanes.
        Vector256<float> a = Avx.HorizontalAdd(Avx.HorizontalAdd(v0, v1), Avx.HorizontalAdd(v2, v3));
        Vector256<float> b = Avx.HorizontalAdd(Avx.HorizontalAdd(v4, v5), Avx.HorizontalAdd(v6, v7));
        return Avx.Permute2x128(a, b, 0x20) + Avx.Permute2x128(a, b, 0x31);
    }

    /// <summary>
    /// One block at 128 bits: as <see cref="Streamed"/> with lines of 4 floats. Multiply-adds are
    /// <c>Vector128.MultiplyAddEstimate</c>, a multiply and an add where there is no FMA.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Streamed128(float* xs, float* lines, int shift, int k, nint stride, float alpha, float beta, float* y)
    {
        var head = new V128(Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(shift)).AsSingle());
        var tail = new V128(~Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(shift)).AsSingle());
        int first = shift == 0 ? 0 : 4;
        for (int group = 0; group < Rows; group += 4)
        {
            // Four rows, two at a time, each folded to one vector, then reduced to the vector of their four sums.
            (V128 r0, V128 r1) = TwoRows(xs, lines + (group * stride), stride, shift, first, k, head, tail);
            (V128 r2, V128 r3) = TwoRows(xs, lines + ((group + 2) * stride), stride, shift, first, k, head, tail);
            Vector128<float> sums = Reduce4(r0.Value, r1.Value, r2.Value, r3.Value);
            if (alpha != 1f)
            {
                sums *= Vector128.Create(alpha);
            }

            if (beta != 0f)
            {
                sums = Vector128.MultiplyAddEstimate(Vector128.Load(y + group), Vector128.Create(beta), sums);
            }

            sums.Store(y + group);
        }
    }

    /// <summary>
    /// Two rows' dot products with xs in vectors of TV, sharing each load of x, each folded to one vector (see
    /// <see cref="Streamed"/> for the layout).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TV, TV) TwoRows<TV>(float* xs, float* q, nint stride, int shift, int first, int end, TV head, TV tail)
        where TV : struct, IVector<TV>
    {
        float* u = q + stride;
        int count = TV.Count;
        TV b0 = TV.Zero, b1 = TV.Zero, d0 = TV.Zero, d1 = TV.Zero;
        if (shift != 0)
        {
            TV xh = TV.Load(xs), xt = TV.Load(xs + end);
            b0 = TV.FusedMultiplyAdd(xh, TV.Load(q) & head, b0);
            b1 = TV.FusedMultiplyAdd(xt, TV.Load(q + end) & tail, b1);
            d0 = TV.FusedMultiplyAdd(xh, TV.Load(u) & head, d0);
            d1 = TV.FusedMultiplyAdd(xt, TV.Load(u + end) & tail, d1);
        }

        int c = first;
        for (; c <= end - (2 * count); c += 2 * count)
        {
            TV x0 = TV.Load(xs + c), x1 = TV.Load(xs + c + count);
            b0 = TV.FusedMultiplyAdd(x0, TV.Load(q + c), b0);
            b1 = TV.FusedMultiplyAdd(x1, TV.Load(q + c + count), b1);
            d0 = TV.FusedMultiplyAdd(x0, TV.Load(u + c), d0);
            d1 = TV.FusedMultiplyAdd(x1, TV.Load(u + c + count), d1);
        }

        for (; c < end; c += count)
        {
            TV x0 = TV.Load(xs + c);
            b0 = TV.FusedMultiplyAdd(x0, TV.Load(q + c), b0);
            d0 = TV.FusedMultiplyAdd(x0, TV.Load(u + c), d0);
        }

        return (b0 + b1, d0 + d1);
    }

    /// <summary>Four vectors to the vector of their sums: pairwise adds (SSE3 horizontal adds, NEON ADDP), else one sum each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Reduce4(Vector128<float> v0, Vector128<float> v1, Vector128<float> v2, Vector128<float> v3)
    {
        if (Sse3.IsSupported)
        {
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(v0, v1), Sse3.HorizontalAdd(v2, v3));
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(v0, v1), AdvSimd.Arm64.AddPairwise(v2, v3));
        }

        return Vector128.Create(Vector128.Sum(v0), Vector128.Sum(v1), Vector128.Sum(v2), Vector128.Sum(v3));
    }

    /// <summary>The sixteen parked row vectors (16 x 16 floats) through the tree, in the transposed order it needs.</summary>
    private static void Finish(float* rows, float alpha, float beta, float* y) =>
        Store(Reduce(
            V(rows, 0), V(rows, 4), V(rows, 8), V(rows, 12), V(rows, 1), V(rows, 5), V(rows, 9), V(rows, 13),
            V(rows, 2), V(rows, 6), V(rows, 10), V(rows, 14), V(rows, 3), V(rows, 7), V(rows, 11), V(rows, 15)), alpha, beta, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> V(float* rows, int r) => Vector512.Load(rows + (r * 16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> sums, float alpha, float beta, float* y)
    {
        if (alpha != 1f)
        {
            sums *= Vector512.Create(alpha);
        }

        if (beta != 0f)
        {
            sums = Vector512.FusedMultiplyAdd(Vector512.Load(y), Vector512.Create(beta), sums);
        }

        sums.Store(y);
    }

    /// <summary>
    /// Sixteen vectors to one vector of their sums: four rounds, each pairing vectors and adding the two
    /// interleavings of their halves (256-bit, 128-bit, 64-bit, 32-bit), so each round halves the vectors.
    /// </summary>
    private static Vector512<float> Reduce(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3,
        Vector512<float> v4, Vector512<float> v5, Vector512<float> v6, Vector512<float> v7,
        Vector512<float> v8, Vector512<float> v9, Vector512<float> v10, Vector512<float> v11,
        Vector512<float> v12, Vector512<float> v13, Vector512<float> v14, Vector512<float> v15)
    {
        Vector512<float> b0 = Halves(v0, v1), b1 = Halves(v2, v3), b2 = Halves(v4, v5), b3 = Halves(v6, v7);
        Vector512<float> b4 = Halves(v8, v9), b5 = Halves(v10, v11), b6 = Halves(v12, v13), b7 = Halves(v14, v15);
        Vector512<float> c0 = Quarters(b0, b1), c1 = Quarters(b2, b3), c2 = Quarters(b4, b5), c3 = Quarters(b6, b7);
        Vector512<float> d0 = Pairs(c0, c1), d1 = Pairs(c2, c3);
        return Avx512F.Shuffle(d0, d1, 0x88) + Avx512F.Shuffle(d0, d1, 0xDD);
    }

    /// <summary>[a.q0 + a.q2, a.q1 + a.q3, b.q0 + b.q2, b.q1 + b.q3] in 128-bit quarters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Halves(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);

    /// <summary>[a.q0 + a.q1, a.q2 + a.q3, b.q0 + b.q1, b.q2 + b.q3] in 128-bit quarters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quarters(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x88) + Avx512F.Shuffle4x128(a, b, 0xDD);

    /// <summary>Within each 128-bit quarter: [a0 + a2, a1 + a3, b0 + b2, b1 + b3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pairs(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle(a, b, 0x44) + Avx512F.Shuffle(a, b, 0xEE);
}
