using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Max and average pooling over channels-first maps, valid windows only: x (B, C, H, W), y (B, C, OH, OW), each of
/// the B * C planes pooled on its own. The 2x2 stride-2 max pool (the one on the hot path of small CNNs) has a
/// vector path that splits each pair of input rows into even and odd columns; every other window runs the
/// general scalar loop.
/// </summary>
internal static unsafe class PoolingCpu
{
    private static int Width => SimdWidth.Allowed;

    /// <summary>
    /// x (B, C, H, W), y and argmax (B, C, OH, OW): y = the window's maximum, argmax = h * W + w of the winner in its
    /// plane (a float). The first maximum in row-major window order wins; the first NaN wins over any number.
    /// </summary>
    public static void MaxForward(float* x, float* y, float* argmax, int planes, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutHeight * s.OutWidth, width = Width;
        // The geometry in locals: read through the shape's reference, it would be reloaded after every store.
        int inWidth = s.Width, outHeight = s.OutHeight, outWidth = s.OutWidth;
        int poolHeight = s.PoolHeight, poolWidth = s.PoolWidth, strideHeight = s.StrideHeight, strideWidth = s.StrideWidth;
        bool fast = poolHeight == 2 && poolWidth == 2 && strideHeight == 2 && strideWidth == 2;
        if (fast && width >= 512 && Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            MaxForward2x2Avx512(x, y, argmax, planes, inWidth, inPlane, outHeight, outWidth);
            return;
        }

        for (int p = 0; p < planes; p++)
        {
            float* xp = x + ((long)p * inPlane), yp = y + ((long)p * outPlane), ap = argmax + ((long)p * outPlane);
            for (int oh = 0; oh < outHeight; oh++)
            {
                float* yr = yp + ((long)oh * outWidth), ar = ap + ((long)oh * outWidth);
                int ow = 0;
                if (fast)
                {
                    ow = MaxRow2x2(xp, yr, ar, oh * 2, inWidth, outWidth, width);
                }

                for (; ow < outWidth; ow++)
                {
                    int at = (oh * strideHeight * inWidth) + (ow * strideWidth), bestAt = at;
                    float best = xp[at];
                    for (int kh = 0; kh < poolHeight; kh++, at += inWidth)
                    {
                        for (int kw = 0; kw < poolWidth; kw++)
                        {
                            // Selects rather than a branch: on real data which element wins is unpredictable.
                            float v = xp[at + kw];
                            bool take = (v > best) | (float.IsNaN(v) & !float.IsNaN(best));
                            best = take ? v : best;
                            bestAt = take ? at + kw : bestAt;
                        }
                    }

                    yr[ow] = best;
                    ar[ow] = bestAt;
                }
            }
        }
    }

    /// <summary>
    /// dx (B, C, H, W) from dy (B, C, OH, OW) and argmax: each input gets the dy of the window whose arg-max it is,
    /// 0 otherwise (with <paramref name="reluOutput"/>, the pooled output y, dy only where y &gt; 0: the fused ReLU
    /// backward). Windows that do not overlap (stride at least the window) write dx in one pass, every input cell
    /// once (the 2x2 stride-2 pool in vectors); overlapping windows clear dx and add each dy at its arg-max.
    /// </summary>
    public static void MaxBackward(float* dy, float* argmax, float* reluOutput, float* dx, int planes, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutHeight * s.OutWidth;
        if (s.StrideHeight < s.PoolHeight || s.StrideWidth < s.PoolWidth)
        {
            new Span<float>(dx, planes * inPlane).Clear();
            for (int p = 0; p < planes; p++)
            {
                float* dyp = dy + ((long)p * outPlane), ap = argmax + ((long)p * outPlane), dxp = dx + ((long)p * inPlane);
                float* yp = reluOutput == null ? null : reluOutput + ((long)p * outPlane);
                for (int o = 0; o < outPlane; o++)
                {
                    // Fused ReLU backward: the ReLU's output at the arg-max is the pooled value.
                    dxp[(int)ap[o]] += yp == null || yp[o] > 0f ? dyp[o] : 0f;
                }
            }

            return;
        }

        int height = s.Height, inWidth = s.Width, outHeight = s.OutHeight, outWidth = s.OutWidth;
        int poolHeight = s.PoolHeight, strideHeight = s.StrideHeight, width = Width;
        bool fast = poolHeight == 2 && s.PoolWidth == 2 && strideHeight == 2 && s.StrideWidth == 2;
        if (fast && width >= 512 && Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            Unpool2x2Avx512(dy, argmax, reluOutput, dx, planes, height, inWidth, outHeight, outWidth);
            return;
        }

        for (int p = 0; p < planes; p++)
        {
            float* dyp = dy + ((long)p * outPlane), ap = argmax + ((long)p * outPlane), dxp = dx + ((long)p * inPlane);
            float* yp = reluOutput == null ? null : reluOutput + ((long)p * outPlane);
            for (int ih = 0; ih < height; ih++)
            {
                float* row = dxp + ((long)ih * inWidth);
                int oh = ih / strideHeight, kh = ih - (oh * strideHeight);
                if (oh >= outHeight || kh >= poolHeight)
                {
                    new Span<float>(row, inWidth).Clear(); // a row in no window
                    continue;
                }

                long at = (long)oh * outWidth;
                float* yr = yp == null ? null : yp + at;
                if (fast && Unpool2x2(dyp + at, ap + at, yr, row, ih * inWidth, inWidth, outWidth, width))
                {
                    ih++; // both rows of the windows written
                    continue;
                }

                UnpoolRow(dyp + at, ap + at, yr, row, ih * inWidth, s);
            }
        }
    }

    /// <summary>
    /// One input row of non-overlapping windows, scalar: each cell gets its window's dy if it is the window's
    /// arg-max (and, with the fused ReLU, the pooled output is positive), else 0; cells in no window 0.
    /// </summary>
    private static void UnpoolRow(float* dyr, float* ar, float* yr, float* row, int rowBase, in Pool2DShape s)
    {
        int inWidth = s.Width, outWidth = s.OutWidth, poolWidth = s.PoolWidth, strideWidth = s.StrideWidth;
        int iw = 0;
        for (int ow = 0; ow < outWidth; ow++)
        {
            float g = yr == null || yr[ow] > 0f ? dyr[ow] : 0f;
            int winner = (int)ar[ow] - rowBase; // the arg-max's column when it lies in this row
            for (int kw = 0; kw < strideWidth && iw < inWidth; kw++, iw++)
            {
                row[iw] = kw < poolWidth && iw == winner ? g : 0f;
            }
        }

        for (; iw < inWidth; iw++)
        {
            row[iw] = 0f;
        }
    }

    /// <summary>
    /// The 2x2 stride-2 pool's backward in AVX-512: per output row, 16 windows per vector and the row's partial
    /// vector through masked loads and stores (a row of 13 or 5 windows is one vector, not two overlapping ones),
    /// each window's four cells dy or 0 by comparing the arg-max with their indices, even and odd columns
    /// interleaved back into the two input rows; a last odd column and row, in no window, cleared.
    /// </summary>
    private static void Unpool2x2Avx512(float* dy, float* argmax, float* reluOutput, float* dx, int planes, int height, int w, int outHeight, int outWidth)
    {
        int outPlane = outHeight * outWidth, inPlane = height * w, full = outWidth & ~15, rem = outWidth - full;
        Vector512<float> lanes = Vector512<float>.Indices, twice = lanes * 2f, one = Vector512<float>.One, down = Vector512.Create((float)w);
        Vector512<float> yMask = Vector512.LessThan(lanes, Vector512.Create((float)rem));
        Vector512<float> loMask = Vector512.LessThan(lanes, Vector512.Create((float)(2 * rem)));
        Vector512<float> hiMask = Vector512.LessThan(lanes, Vector512.Create((float)((2 * rem) - 16)));
        float* dyEnd = dy + ((long)planes * outPlane), dxEnd = dx + ((long)planes * inPlane);
        for (int p = 0; p < planes; p++)
        {
            float* dyr = dy + ((long)p * outPlane), ar = argmax + ((long)p * outPlane), dxp = dx + ((long)p * inPlane);
            float* yr = reluOutput == null ? null : reluOutput + ((long)p * outPlane);
            for (int oh = 0; oh < outHeight; oh++, dyr += outWidth, ar += outWidth, yr = yr == null ? null : yr + outWidth)
            {
                int rowBase = 2 * oh * w;
                float* row = dxp + rowBase;
                // The partial vector first: its spill into the next row lands on cells the whole vectors write after.
                if (rem > 0)
                {
                    int o = full;
                    bool masked = dyr + o + 16 > dyEnd; // dy, the arg-max and y end together
                    Vector512<float> g = Load(dyr + o, masked, yMask);
                    if (yr != null)
                    {
                        g &= Vector512.GreaterThan(Load(yr + o, masked, yMask), Vector512<float>.Zero);
                    }

                    Vector512<float> a = Load(ar + o, masked, yMask), cell = Vector512.Create((float)(rowBase + (2 * o))) + twice;
                    // Partial masked stores are slow too (2x on this row pair): whole vectors spill garbage into the
                    // next row, rewritten right after (the second row here, the next pair's or plane's first row, or an
                    // odd last row or column cleared below), masked only where a spill would pass the end of dx.
                    bool last = row + w + (2 * o) + 32 > dxEnd;
                    (Vector512<float> lo, Vector512<float> hi) = Interleave(g & Vector512.Equals(a, cell), g & Vector512.Equals(a, cell + one));
                    Store(row + (2 * o), lo, last, loMask);
                    Store(row + (2 * o) + 16, hi, last, hiMask);
                    cell += down;
                    (lo, hi) = Interleave(g & Vector512.Equals(a, cell), g & Vector512.Equals(a, cell + one));
                    Store(row + w + (2 * o), lo, last, loMask);
                    Store(row + w + (2 * o) + 16, hi, last, hiMask);
                }

                for (int o = 0; o < full; o += 16)
                {
                    Vector512<float> g = Vector512.Load(dyr + o);
                    if (yr != null)
                    {
                        g &= Vector512.GreaterThan(Vector512.Load(yr + o), Vector512<float>.Zero);
                    }

                    Vector512<float> a = Vector512.Load(ar + o), cell = Vector512.Create((float)(rowBase + (2 * o))) + twice;
                    (Vector512<float> lo, Vector512<float> hi) = Interleave(g & Vector512.Equals(a, cell), g & Vector512.Equals(a, cell + one));
                    lo.Store(row + (2 * o));
                    hi.Store(row + (2 * o) + 16);
                    cell += down;
                    (lo, hi) = Interleave(g & Vector512.Equals(a, cell), g & Vector512.Equals(a, cell + one));
                    lo.Store(row + w + (2 * o));
                    hi.Store(row + w + (2 * o) + 16);
                }

                for (int iw = 2 * outWidth; iw < w; iw++)
                {
                    row[iw] = 0f; // an odd width's last column, in no window
                    row[w + iw] = 0f;
                }
            }

            new Span<float>(dxp + (2 * outHeight * w), (height - (2 * outHeight)) * w).Clear(); // an odd height's last row
        }
    }

    /// <summary>16 floats at p, through the mask only when a whole vector would pass the buffer's end (unmasked lanes past what is needed hold garbage).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load(float* p, bool masked, Vector512<float> mask) =>
        masked ? Avx512F.MaskLoad(p, mask, Vector512<float>.Zero) : Vector512.Load(p);

    /// <summary>16 floats to p, through the mask only when asked (else lanes past what is needed store garbage).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* p, Vector512<float> v, bool masked, Vector512<float> mask)
    {
        if (masked)
        {
            Avx512F.MaskStore(p, mask, v);
        }
        else
        {
            v.Store(p);
        }
    }

    /// <summary>16 even and 16 odd lanes -> 32 floats in order, as two vectors (a float pair is one ulong, the even cell low).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> Lo, Vector512<float> Hi) Interleave(Vector512<float> even, Vector512<float> odd)
    {
        (Vector512<ulong> e0, Vector512<ulong> e1) = Vector512.Widen(even.AsUInt32());
        (Vector512<ulong> o0, Vector512<ulong> o1) = Vector512.Widen(odd.AsUInt32());
        return ((e0 | (o0 << 32)).AsSingle(), (e1 | (o1 << 32)).AsSingle());
    }

    /// <summary>
    /// Input rows h0 and h0 + 1 (row points at h0, at index rowBase in its plane) of the 2x2 stride-2 pool's
    /// backward, vectorised over outputs: each window's four cells are dy or 0 by comparing the arg-max with the
    /// four cells' indices, and the even and odd columns interleave back into rows (a pair of floats is one
    /// ulong, the even cell in its low half). The last vector overlaps the one before (same values written
    /// twice). Returns false, having written nothing, when the row is narrower than the narrowest vector allowed.
    /// </summary>
    private static bool Unpool2x2(float* dyr, float* ar, float* yr, float* row, int rowBase, int w, int outWidth, int width)
    {
        if (width >= 256 && Vector256.IsHardwareAccelerated && outWidth >= Vector256<float>.Count)
        {
            for (int o = 0; o < outWidth; o += Vector256<float>.Count)
            {
                o = Math.Min(o, outWidth - Vector256<float>.Count);
                Vector256<float> g = Vector256.Load(dyr + o);
                if (yr != null)
                {
                    g &= Vector256.GreaterThan(Vector256.Load(yr + o), Vector256<float>.Zero);
                }

                Vector256<float> a = Vector256.Load(ar + o);
                Vector256<float> cell = Vector256.Create((float)(rowBase + (2 * o))) + (Vector256<float>.Indices * 2f);
                Interleave(g & Vector256.Equals(a, cell), g & Vector256.Equals(a, cell + Vector256<float>.One), row + (2 * o));
                cell += Vector256.Create((float)w);
                Interleave(g & Vector256.Equals(a, cell), g & Vector256.Equals(a, cell + Vector256<float>.One), row + w + (2 * o));
            }
        }
        else if (width >= 128 && Vector128.IsHardwareAccelerated && outWidth >= Vector128<float>.Count)
        {
            for (int o = 0; o < outWidth; o += Vector128<float>.Count)
            {
                o = Math.Min(o, outWidth - Vector128<float>.Count);
                Vector128<float> g = Vector128.Load(dyr + o);
                if (yr != null)
                {
                    g &= Vector128.GreaterThan(Vector128.Load(yr + o), Vector128<float>.Zero);
                }

                Vector128<float> a = Vector128.Load(ar + o);
                Vector128<float> cell = Vector128.Create((float)(rowBase + (2 * o))) + (Vector128<float>.Indices * 2f);
                Interleave(g & Vector128.Equals(a, cell), g & Vector128.Equals(a, cell + Vector128<float>.One), row + (2 * o));
                cell += Vector128.Create((float)w);
                Interleave(g & Vector128.Equals(a, cell), g & Vector128.Equals(a, cell + Vector128<float>.One), row + w + (2 * o));
            }
        }
        else
        {
            return false;
        }

        // An odd width leaves a last column in no window.
        for (int iw = 2 * outWidth; iw < w; iw++)
        {
            row[iw] = 0f;
            row[w + iw] = 0f;
        }

        return true;
    }

    /// <summary>dst[2i] = even[i], dst[2i + 1] = odd[i] for 8 lanes (16 floats written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(Vector256<float> even, Vector256<float> odd, float* dst)
    {
        (Vector256<ulong> e0, Vector256<ulong> e1) = Vector256.Widen(even.AsUInt32());
        (Vector256<ulong> o0, Vector256<ulong> o1) = Vector256.Widen(odd.AsUInt32());
        (e0 | (o0 << 32)).Store((ulong*)dst);
        (e1 | (o1 << 32)).Store((ulong*)(dst + 8));
    }

    /// <summary>4 lanes (8 floats written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(Vector128<float> even, Vector128<float> odd, float* dst)
    {
        (Vector128<ulong> e0, Vector128<ulong> e1) = Vector128.Widen(even.AsUInt32());
        (Vector128<ulong> o0, Vector128<ulong> o1) = Vector128.Widen(odd.AsUInt32());
        (e0 | (o0 << 32)).Store((ulong*)dst);
        (e1 | (o1 << 32)).Store((ulong*)(dst + 4));
    }

    /// <summary>x (B, C, H, W) -> y (B, C, OH, OW): the mean of each PH x PW window.</summary>
    public static void AvgForward(float* x, float* y, int planes, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutHeight * s.OutWidth;
        float scale = 1f / (s.PoolHeight * s.PoolWidth);
        bool global = s.PoolHeight == s.Height && s.PoolWidth == s.Width;
        for (int p = 0; p < planes; p++)
        {
            float* xp = x + ((long)p * inPlane), yp = y + ((long)p * outPlane);
            if (global)
            {
                yp[0] = TensorPrimitives.Sum(new ReadOnlySpan<float>(xp, inPlane)) * scale;
                continue;
            }

            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    float* w = xp + (oh * s.StrideHeight * s.Width) + (ow * s.StrideWidth);
                    float sum = 0f;
                    for (int kh = 0; kh < s.PoolHeight; kh++, w += s.Width)
                    {
                        for (int kw = 0; kw < s.PoolWidth; kw++)
                        {
                            sum += w[kw];
                        }
                    }

                    yp[(oh * s.OutWidth) + ow] = sum * scale;
                }
            }
        }
    }

    /// <summary>dy (B, C, OH, OW) -> dx (B, C, H, W): dx = 0, then dy / (PH * PW) added over each window.</summary>
    public static void AvgBackward(float* dy, float* dx, int planes, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutHeight * s.OutWidth;
        float scale = 1f / (s.PoolHeight * s.PoolWidth);
        new Span<float>(dx, planes * inPlane).Clear();
        for (int p = 0; p < planes; p++)
        {
            float* dyp = dy + ((long)p * outPlane), dxp = dx + ((long)p * inPlane);
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    float g = dyp[(oh * s.OutWidth) + ow] * scale;
                    float* w = dxp + (oh * s.StrideHeight * s.Width) + (ow * s.StrideWidth);
                    for (int kh = 0; kh < s.PoolHeight; kh++, w += s.Width)
                    {
                        for (int kw = 0; kw < s.PoolWidth; kw++)
                        {
                            w[kw] += g;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The 2x2 stride-2 max pool in AVX-512, 16 outputs of a row per vector and the row's last (or only) partial
    /// vector through masked loads and stores, so a row of 13 or 5 outputs costs one vector, not two overlapping
    /// ones. Each input row pair splits into even and odd columns; the window is reduced as a tree, each row's
    /// pair first and then the two rows (the first maximum in row-major order still wins: the reduction is
    /// associative, ties and NaNs keep the earlier candidate).
    /// </summary>
    private static void MaxForward2x2Avx512(float* x, float* y, float* argmax, int planes, int w, int inPlane, int outHeight, int outWidth)
    {
        int outPlane = outHeight * outWidth, full = outWidth & ~15, rem = outWidth - full;
        Vector512<float> lanes = Vector512<float>.Indices, twice = lanes * 2f;
        // Masked lanes do not store; masked loads (slow on Zen 4: a row of 13 outputs ran 2.3x slower) only where a
        // whole vector would read past the map's end.
        Vector512<float> yMask = Vector512.LessThan(lanes, Vector512.Create((float)rem));
        Vector512<float> loMask = Vector512.LessThan(lanes, Vector512.Create((float)(2 * rem)));
        Vector512<float> hiMask = Vector512.LessThan(lanes, Vector512.Create((float)((2 * rem) - 16)));
        Vector512<float> below = Vector512.Create((float)w), belowRight = Vector512.Create((float)(w + 1));
        float* xEnd = x + ((long)planes * inPlane);
        for (int p = 0; p < planes; p++)
        {
            float* xp = x + ((long)p * inPlane), yp = y + ((long)p * outPlane), ap = argmax + ((long)p * outPlane);
            for (int oh = 0; oh < outHeight; oh++, yp += outWidth, ap += outWidth)
            {
                int rowBase = 2 * oh * w;
                float* r0 = xp + rowBase, r1 = r0 + w;
                int o = 0;
                for (; o < full; o += 16)
                {
                    (Vector512<float> best, Vector512<float> at) = Window2x2(
                        Vector512.Load(r0 + (2 * o)), Vector512.Load(r0 + (2 * o) + 16),
                        Vector512.Load(r1 + (2 * o)), Vector512.Load(r1 + (2 * o) + 16), below, belowRight);
                    best.Store(yp + o);
                    (Vector512.Create((float)(rowBase + (2 * o))) + twice + at).Store(ap + o);
                }

                if (rem > 0)
                {
                    // Whole vectors read past the row (the lanes past it unused) unless that would pass the map's end.
                    bool masked = r1 + (2 * o) + 32 > xEnd;
                    (Vector512<float> best, Vector512<float> at) = Window2x2(
                        Load(r0 + (2 * o), masked, loMask), Load(r0 + (2 * o) + 16, masked, hiMask),
                        Load(r1 + (2 * o), masked, loMask), Load(r1 + (2 * o) + 16, masked, hiMask), below, belowRight);
                    Avx512F.MaskStore(yp + o, yMask, best);
                    Avx512F.MaskStore(ap + o, yMask, Vector512.Create((float)(rowBase + (2 * o))) + twice + at);
                }
            }
        }
    }

    /// <summary>
    /// 16 windows from their top row's 32 floats (t0, t1) and bottom row's (b0, b1): the maximum and its offset in
    /// the window (0, 1, w or w + 1), reduced as (top-left vs top-right) vs (bottom-left vs bottom-right).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> Best, Vector512<float> At) Window2x2(
        Vector512<float> t0, Vector512<float> t1, Vector512<float> b0, Vector512<float> b1, Vector512<float> below, Vector512<float> belowRight)
    {
        Vector512<ulong> tl = t0.AsUInt64(), th = t1.AsUInt64(), bl = b0.AsUInt64(), bh = b1.AsUInt64();
        Vector512<float> topLeft = Vector512.Narrow(tl, th).AsSingle(), topRight = Vector512.Narrow(tl >>> 32, th >>> 32).AsSingle();
        Vector512<float> bottomLeft = Vector512.Narrow(bl, bh).AsSingle(), bottomRight = Vector512.Narrow(bl >>> 32, bh >>> 32).AsSingle();
        Vector512<float> top = Wins(topRight, topLeft), bottom = Wins(bottomRight, bottomLeft);
        Vector512<float> bestTop = Vector512.ConditionalSelect(top, topRight, topLeft), atTop = top & Vector512<float>.One;
        Vector512<float> bestBottom = Vector512.ConditionalSelect(bottom, bottomRight, bottomLeft);
        Vector512<float> atBottom = Vector512.ConditionalSelect(bottom, belowRight, below);
        Vector512<float> lower = Wins(bestBottom, bestTop);
        return (Vector512.ConditionalSelect(lower, bestBottom, bestTop), Vector512.ConditionalSelect(lower, atBottom, atTop));
    }

    /// <summary>Lanes where a later candidate v beats the earlier best: v &gt; best, or v is NaN and best is not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Wins(Vector512<float> v, Vector512<float> best) =>
        Vector512.AndNot(Vector512.Equals(best, best), Vector512.LessThanOrEqual(v, best));

    /// <summary>
    /// One output row of the 2x2 stride-2 max pool, vectorised over outputs: input rows h0 and h0 + 1 of the plane
    /// split into even and odd columns, four candidates compared in window order. Returns how many outputs it
    /// wrote (the whole row, or none when the row is narrower than the narrowest vector allowed); the caller
    /// finishes the row.
    /// </summary>
    private static int MaxRow2x2(float* plane, float* y, float* argmax, int h0, int w, int outWidth, int width)
    {
        float* r0 = plane + ((long)h0 * w), r1 = r0 + w;
        int o = 0, rowBase = h0 * w;
        // Each width finishes with one vector that overlaps the previous one (recomputing a few outputs, to the same
        // values) rather than leaving a scalar tail: the scalar compare is branchy and costs more than the vector.
        if (width >= 256 && Vector256.IsHardwareAccelerated && outWidth >= Vector256<float>.Count)
        {
            for (; o <= outWidth - Vector256<float>.Count; o += Vector256<float>.Count)
            {
                Max2x2(r0, r1, y, argmax, o, rowBase, w, Vector256<float>.Zero);
            }

            if (o < outWidth)
            {
                Max2x2(r0, r1, y, argmax, outWidth - Vector256<float>.Count, rowBase, w, Vector256<float>.Zero);
            }

            return outWidth;
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated && outWidth >= Vector128<float>.Count)
        {
            for (; o <= outWidth - Vector128<float>.Count; o += Vector128<float>.Count)
            {
                Max2x2(r0, r1, y, argmax, o, rowBase, w, Vector128<float>.Zero);
            }

            if (o < outWidth)
            {
                Max2x2(r0, r1, y, argmax, outWidth - Vector128<float>.Count, rowBase, w, Vector128<float>.Zero);
            }

            return outWidth;
        }

        return 0;
    }

    /// <summary>Outputs o .. o + 7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Max2x2(float* r0, float* r1, float* y, float* argmax, int o, int rowBase, int w, Vector256<float> width)
    {
        _ = width;
        (Vector256<float> a0, Vector256<float> a1) = Split256(r0 + (2 * o));
        (Vector256<float> b0, Vector256<float> b1) = Split256(r1 + (2 * o));
        Vector256<float> best = a0, at = Vector256<float>.Zero;
        Take(a1, Vector256<float>.One, ref best, ref at);
        Take(b0, Vector256.Create((float)w), ref best, ref at);
        Take(b1, Vector256.Create((float)(w + 1)), ref best, ref at);
        best.Store(y + o);
        (Vector256.Create((float)(rowBase + (2 * o))) + (Vector256<float>.Indices * 2f) + at).Store(argmax + o);
    }

    /// <summary>Outputs o .. o + 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Max2x2(float* r0, float* r1, float* y, float* argmax, int o, int rowBase, int w, Vector128<float> width)
    {
        _ = width;
        (Vector128<float> a0, Vector128<float> a1) = Split128(r0 + (2 * o));
        (Vector128<float> b0, Vector128<float> b1) = Split128(r1 + (2 * o));
        Vector128<float> best = a0, at = Vector128<float>.Zero;
        Take(a1, Vector128<float>.One, ref best, ref at);
        Take(b0, Vector128.Create((float)w), ref best, ref at);
        Take(b1, Vector128.Create((float)(w + 1)), ref best, ref at);
        best.Store(y + o);
        (Vector128.Create((float)(rowBase + (2 * o))) + (Vector128<float>.Indices * 2f) + at).Store(argmax + o);
    }

    /// <summary>16 consecutive floats -> their 8 even and 8 odd elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Split256(float* row)
    {
        Vector256<ulong> lo = Vector256.Load((ulong*)row), hi = Vector256.Load((ulong*)(row + 8));
        return (Vector256.Narrow(lo, hi).AsSingle(), Vector256.Narrow(lo >>> 32, hi >>> 32).AsSingle());
    }

    /// <summary>8 consecutive floats -> their 4 even and 4 odd elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Even, Vector128<float> Odd) Split128(float* row)
    {
        Vector128<ulong> lo = Vector128.Load((ulong*)row), hi = Vector128.Load((ulong*)(row + 4));
        return (Vector128.Narrow(lo, hi).AsSingle(), Vector128.Narrow(lo >>> 32, hi >>> 32).AsSingle());
    }

    /// <summary>Where v beats best (greater, or the first NaN), best = v and at = offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(Vector256<float> v, Vector256<float> offset, ref Vector256<float> best, ref Vector256<float> at)
    {
        Vector256<float> wins = Vector256.GreaterThan(v, best) | Vector256.AndNot(Vector256.Equals(best, best), Vector256.Equals(v, v));
        best = Vector256.ConditionalSelect(wins, v, best);
        at = Vector256.ConditionalSelect(wins, offset, at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(Vector128<float> v, Vector128<float> offset, ref Vector128<float> best, ref Vector128<float> at)
    {
        Vector128<float> wins = Vector128.GreaterThan(v, best) | Vector128.AndNot(Vector128.Equals(best, best), Vector128.Equals(v, v));
        best = Vector128.ConditionalSelect(wins, v, best);
        at = Vector128.ConditionalSelect(wins, offset, at);
    }
}
