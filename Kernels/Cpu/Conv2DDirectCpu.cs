using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelGen.Kernels.Cpu.Ops;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Direct 2-D convolution for layers with few taps per position (a first layer: one to three channels of a
/// small kernel), channels first: x (B, C, H, W), weight (F, C, KH, KW), bias (F), y (B, F, OH, OW), horizontal
/// stride 1 (any vertical stride, any padding). No patches: with K = 9 taps the im2col of
/// <see cref="Conv2DCpu"/> writes and rereads nine times the input for a product that is cheap, so here each output
/// row is computed from the input rows it reads, vectorised over output columns with the weights broadcast.
/// <para>
/// Columns: the interior [lo, hi) where every kernel column lands inside the input row runs in vectors (the last
/// vector overlapping the one before rather than a scalar tail; in sums the overlapped lanes of dy are masked to
/// 0); the padding columns outside it run a scalar loop that checks each tap. Rows: the kernel rows that land on
/// padding are skipped.
/// </para>
/// </summary>
internal static unsafe class Conv2DDirectCpu
{
    /// <summary>
    /// At or below this many taps per position (C * KH * KW: three channels of 3x3, one of 5x5) the direct
    /// convolution beats im2col + GEMM on the benchmark's first layer; above it the GEMM's reuse wins.
    /// </summary>
    internal const int MaxTaps = 27;

    /// <summary>Filters computed together in the forward pass: each input vector loaded serves this many FMAs.</summary>
    private const int FilterBlock = 8;

    /// <summary>Whether the direct convolution takes this shape: few taps, horizontal stride 1.</summary>
    public static bool Applies(in Conv2DShape s) => s.PatchSize <= MaxTaps && s.StrideWidth == 1;

    /// <summary>x (B, C, H, W), weight (F, C, KH, KW), bias (F) -> y (B, F, OH, OW) = act(conv(x, weight) + bias).</summary>
    public static void Forward(float* x, float* weight, float* bias, float* y, int batch, in Conv2DShape s, ActivationKind activation)
    {
        bool relu = activation == ActivationKind.ReLU;
        (int lo, int hi) = Interior(s);
        switch (SimdWidth.Pick(hi - lo))
        {
            case 512: ForwardPlanes<V512>(x, weight, bias, y, batch, s, relu, lo, hi); break;
            case 256: ForwardPlanes<V256>(x, weight, bias, y, batch, s, relu, lo, hi); break;
            case 128: ForwardPlanes<V128>(x, weight, bias, y, batch, s, relu, lo, hi); break;
            default: ForwardPlanes<V1>(x, weight, bias, y, batch, s, relu, lo, hi); break;
        }

        if (activation is ActivationKind.Sigmoid or ActivationKind.Tanh)
        {
            var all = new Span<float>(y, batch * s.OutputSize);
            if (activation == ActivationKind.Sigmoid)
            {
                SigmoidOp.Forward(all, all);
            }
            else
            {
                TanhOp.Forward(all, all);
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/> from dy (B, F, OH, OW), the gradient of the pre-activation output:
    /// dBias (F) += sum of dy; dWeight (F, C, KH, KW) += sum over b, oh, ow of dy[b, f, oh, ow] x[b, c, oh SH - PT + kh, ow - PL + kw];
    /// when dx is not null, dx (B, C, H, W) = the transposed convolution of dy (overwritten).
    /// </summary>
    public static void Backward(float* x, float* weight, float* dy, float* dWeight, float* dBias, float* dx, int batch, in Conv2DShape s)
    {
        (int lo, int hi) = Interior(s);
        switch (SimdWidth.Pick(hi - lo))
        {
            case 512: WeightGradient<V512>(x, dy, dWeight, dBias, batch, s, lo, hi); break;
            case 256: WeightGradient<V256>(x, dy, dWeight, dBias, batch, s, lo, hi); break;
            case 128: WeightGradient<V128>(x, dy, dWeight, dBias, batch, s, lo, hi); break;
            default: WeightGradient<V1>(x, dy, dWeight, dBias, batch, s, lo, hi); break;
        }

        if (dx != null)
        {
            switch (SimdWidth.Pick(s.OutWidth))
            {
                case 512: InputGradient<V512>(weight, dy, dx, batch, s); break;
                case 256: InputGradient<V256>(weight, dy, dx, batch, s); break;
                case 128: InputGradient<V128>(weight, dy, dx, batch, s); break;
                default: InputGradient<V1>(weight, dy, dx, batch, s); break;
            }
        }
    }

    /// <summary>The output columns [lo, hi) whose every kernel column lands inside the input row: 0 &lt;= ow - PL + kw &lt; W for all kw.</summary>
    private static (int Lo, int Hi) Interior(in Conv2DShape s)
    {
        int lo = Math.Min(s.PadLeft, s.OutWidth);
        int hi = Math.Min(s.OutWidth, s.Width - s.KernelWidth + s.PadLeft + 1);
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>The kernel rows [first, last) that land inside the input for an output row whose window starts at input row ih0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int First, int Last) KernelRows(int ih0, int kernelHeight, int height) =>
        (Math.Max(0, -ih0), Math.Min(kernelHeight, height - ih0));

    /// <summary>The output rows [first, last) whose input row oh SH - PT + kh lies inside the input (empty when none does).</summary>
    private static (int First, int Last) OutputRows(in Conv2DShape s, int kh)
    {
        int top = s.PadTop - kh; // oh SH >= top
        int first = top <= 0 ? 0 : (top + s.StrideHeight - 1) / s.StrideHeight;
        int bottom = s.Height - 1 + s.PadTop - kh; // oh SH <= bottom
        int last = bottom < 0 ? 0 : Math.Min(s.OutHeight, (bottom / s.StrideHeight) + 1);
        return (Math.Min(first, last), last);
    }

    /// <summary>
    /// The forward pass, FilterBlock filters at a time: for each output row and vector of columns, each input
    /// vector (c, kh, kw) is loaded once and multiplied into every filter's accumulator (eight independent FMA
    /// chains, enough to hide the FMA's latency). The block's weights are packed tap-major on the stack,
    /// packed[t, i] = weight[f0 + i, t], so one pointer walks them (filters past the last are zeros, not stored).
    /// </summary>
    private static void ForwardPlanes<TV>(float* x, float* weight, float* bias, float* y, int batch, in Conv2DShape s, bool relu, int lo, int hi)
        where TV : struct, IVector<TV>
    {
        int channels = s.Channels, height = s.Height, inWidth = s.Width, filters = s.Filters;
        int kernelHeight = s.KernelHeight, kernelWidth = s.KernelWidth, strideHeight = s.StrideHeight, padTop = s.PadTop, padLeft = s.PadLeft;
        int outHeight = s.OutHeight, outWidth = s.OutWidth, taps = s.PatchSize, plane = height * inWidth, outPlane = outHeight * outWidth;
        int count = TV.Count;
        float* packed = stackalloc float[MaxTaps * FilterBlock];
        float* biases = stackalloc float[FilterBlock];
        for (int f0 = 0; f0 < filters; f0 += FilterBlock)
        {
            int nf = Math.Min(FilterBlock, filters - f0);
            for (int i = 0; i < FilterBlock; i++)
            {
                biases[i] = i < nf ? bias[f0 + i] : 0f;
                for (int t = 0; t < taps; t++)
                {
                    packed[(t * FilterBlock) + i] = i < nf ? weight[((long)(f0 + i) * taps) + t] : 0f;
                }
            }

            for (int b = 0; b < batch; b++)
            {
                float* xb = x + ((long)b * s.InputSize);
                float* y0 = y + ((((long)b * filters) + f0) * outPlane);
                for (int oh = 0; oh < outHeight; oh++)
                {
                    int ih0 = (oh * strideHeight) - padTop;
                    (int khFirst, int khLast) = KernelRows(ih0, kernelHeight, height);
                    float* yr = y0 + ((long)oh * outWidth);
                    for (int o = lo; o < hi; o += count)
                    {
                        o = Math.Min(o, hi - count); // the last vector overlaps the one before
                        TV a0 = TV.Create(biases[0]), a1 = TV.Create(biases[1]), a2 = TV.Create(biases[2]), a3 = TV.Create(biases[3]);
                        TV a4 = TV.Create(biases[4]), a5 = TV.Create(biases[5]), a6 = TV.Create(biases[6]), a7 = TV.Create(biases[7]);
                        for (int c = 0; c < channels; c++)
                        {
                            for (int kh = khFirst; kh < khLast; kh++)
                            {
                                float* xr = xb + ((long)c * plane) + ((long)(ih0 + kh) * inWidth) + o - padLeft;
                                float* wt = packed + ((((c * kernelHeight) + kh) * kernelWidth) * FilterBlock);
                                for (int kw = 0; kw < kernelWidth; kw++, wt += FilterBlock)
                                {
                                    TV v = TV.Load(xr + kw);
                                    a0 = TV.FusedMultiplyAdd(v, TV.Create(wt[0]), a0);
                                    a1 = TV.FusedMultiplyAdd(v, TV.Create(wt[1]), a1);
                                    a2 = TV.FusedMultiplyAdd(v, TV.Create(wt[2]), a2);
                                    a3 = TV.FusedMultiplyAdd(v, TV.Create(wt[3]), a3);
                                    a4 = TV.FusedMultiplyAdd(v, TV.Create(wt[4]), a4);
                                    a5 = TV.FusedMultiplyAdd(v, TV.Create(wt[5]), a5);
                                    a6 = TV.FusedMultiplyAdd(v, TV.Create(wt[6]), a6);
                                    a7 = TV.FusedMultiplyAdd(v, TV.Create(wt[7]), a7);
                                }
                            }
                        }

                        float* at = yr + o;
                        Store(a0, at, relu);
                        if (nf == FilterBlock)
                        {
                            Store(a1, at + outPlane, relu);
                            Store(a2, at + (2 * (long)outPlane), relu);
                            Store(a3, at + (3 * (long)outPlane), relu);
                            Store(a4, at + (4 * (long)outPlane), relu);
                            Store(a5, at + (5 * (long)outPlane), relu);
                            Store(a6, at + (6 * (long)outPlane), relu);
                            Store(a7, at + (7 * (long)outPlane), relu);
                        }
                        else
                        {
                            StoreSome(a1, a2, a3, a4, a5, a6, a7, at, outPlane, nf, relu);
                        }
                    }

                    if (lo > 0 || hi < outWidth)
                    {
                        for (int f = 0; f < nf; f++)
                        {
                            EdgeColumns(xb, weight + ((long)(f0 + f) * taps), bias[f0 + f], yr + ((long)f * outPlane), s, ih0, lo, hi, relu);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The accumulators of filters 1 .. nf - 1 of a block short of FilterBlock filters.</summary>
    private static void StoreSome<TV>(TV a1, TV a2, TV a3, TV a4, TV a5, TV a6, TV a7, float* at, int outPlane, int nf, bool relu)
        where TV : struct, IVector<TV>
    {
        if (nf > 1)
        {
            Store(a1, at + (1 * (long)outPlane), relu);
        }

        if (nf > 2)
        {
            Store(a2, at + (2 * (long)outPlane), relu);
        }

        if (nf > 3)
        {
            Store(a3, at + (3 * (long)outPlane), relu);
        }

        if (nf > 4)
        {
            Store(a4, at + (4 * (long)outPlane), relu);
        }

        if (nf > 5)
        {
            Store(a5, at + (5 * (long)outPlane), relu);
        }

        if (nf > 6)
        {
            Store(a6, at + (6 * (long)outPlane), relu);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV>(TV v, float* at, bool relu)
        where TV : struct, IVector<TV> =>
        (relu ? TV.Relu(v) : v).Store(at);

    /// <summary>The output columns [0, lo) and [hi, OW) of one row and filter, whose windows reach into the padding: each tap checked.</summary>
    private static void EdgeColumns(float* xb, float* w, float bias, float* yr, in Conv2DShape s, int ih0, int lo, int hi, bool relu)
    {
        (int khFirst, int khLast) = KernelRows(ih0, s.KernelHeight, s.Height);
        for (int ow = 0; ow < s.OutWidth; ow++)
        {
            if (ow == lo && hi > lo)
            {
                ow = hi - 1; // skip the interior
                continue;
            }

            float sum = bias;
            for (int c = 0; c < s.Channels; c++)
            {
                for (int kh = khFirst; kh < khLast; kh++)
                {
                    float* xr = xb + ((((long)c * s.Height) + ih0 + kh) * s.Width);
                    float* wr = w + (((c * s.KernelHeight) + kh) * s.KernelWidth);
                    for (int kw = 0; kw < s.KernelWidth; kw++)
                    {
                        int iw = ow - s.PadLeft + kw;
                        if ((uint)iw < (uint)s.Width)
                        {
                            sum += wr[kw] * xr[iw];
                        }
                    }
                }
            }

            yr[ow] = relu ? ReluOp.Invoke(sum) : sum;
        }
    }

    /// <summary>
    /// dBias and dWeight, one (sample, filter) plane of dy at a time (it stays in L1 while every tap meets it). The
    /// taps go in blocks of up to 3 x 3 (kernel rows x kernel columns), nine sums at once: each dy vector loaded
    /// serves nine FMAs on nine independent chains. Output rows where one of a block's kernel rows lands on padding
    /// run the block again one kernel row at a time; columns in the padding run a scalar loop. Sums run in vector
    /// lanes per plane, then go into dWeight.
    /// </summary>
    private static void WeightGradient<TV>(float* x, float* dy, float* dWeight, float* dBias, int batch, in Conv2DShape s, int lo, int hi)
        where TV : struct, IVector<TV>
    {
        int channels = s.Channels, filters = s.Filters, kernelHeight = s.KernelHeight, kernelWidth = s.KernelWidth;
        int taps = s.PatchSize, plane = s.Height * s.Width, outPlane = s.OutHeight * s.OutWidth;
        int remainder = (hi - lo) % TV.Count;
        // The last vector of a row overlaps the one before when the interior is not a whole number of vectors:
        // it counts only its lanes past the previous vector.
        TV tail = remainder == 0 ? TV.LanesFrom(0) : TV.LanesFrom(TV.Count - remainder);
        bool edges = lo > 0 || hi < s.OutWidth;
        // dBias: summed by the first tap block when that block's rows and columns cover the whole plane (no padding
        // in its way), which saves a pass over dy; else a pass of its own.
        bool whole = !edges && OutputRows(s, 0).First == 0 && OutputRows(s, Math.Min(3, kernelHeight) - 1).Last == s.OutHeight;
        for (int b = 0; b < batch; b++)
        {
            float* xb = x + ((long)b * s.InputSize);
            for (int f = 0; f < filters; f++)
            {
                float* g = dy + ((((long)b * filters) + f) * outPlane);
                float* dw = dWeight + ((long)f * taps);
                if (!whole)
                {
                    dBias[f] += PlaneSum<TV>(g, outPlane);
                }

                for (int c = 0; c < channels; c++)
                {
                    float* xc = xb + ((long)c * plane);
                    float* dwc = dw + (c * kernelHeight * kernelWidth);
                    for (int kh0 = 0; kh0 < kernelHeight; kh0 += 3)
                    {
                        int nh = Math.Min(3, kernelHeight - kh0);
                        // Rows valid for every kernel row of the block: the first kernel row's first, the last one's last.
                        int first = OutputRows(s, kh0).First, last = Math.Max(first, OutputRows(s, kh0 + nh - 1).Last);
                        for (int kw0 = 0; kw0 < kernelWidth; kw0 += 3)
                        {
                            int nw = Math.Min(3, kernelWidth - kw0);
                            TapBlock<TV>(g, xc, dwc, whole && c == 0 && kh0 == 0 && kw0 == 0 ? dBias + f : null, s, kh0, nh, kw0, nw, first, last, lo, hi, tail);
                            if (nh > 1)
                            {
                                for (int kh = kh0; kh < kh0 + nh; kh++)
                                {
                                    (int rowFirst, int rowLast) = OutputRows(s, kh);
                                    TapBlock<TV>(g, xc, dwc, null, s, kh, 1, kw0, nw, rowFirst, Math.Min(first, rowLast), lo, hi, tail);
                                    TapBlock<TV>(g, xc, dwc, null, s, kh, 1, kw0, nw, Math.Max(last, rowFirst), rowLast, lo, hi, tail);
                                }
                            }
                        }
                    }

                    if (edges)
                    {
                        for (int kh = 0; kh < kernelHeight; kh++)
                        {
                            (int rowFirst, int rowLast) = OutputRows(s, kh);
                            EdgeWeightGradient(g, xc, dwc + (kh * kernelWidth), s, kh, rowFirst, rowLast, lo, hi);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// dWeight's taps (kh0 .. kh0 + nh - 1, kw0 .. kw0 + nw - 1) of one channel and filter (nh, nw at most 3),
    /// dwc[kh, kw] += sum over output rows [ohFirst, ohLast) and interior columns [lo, hi) of dy[oh, ow] x[oh SH - PT + kh, ow - PL + kw].
    /// Kernel rows and columns past the block's read the first one's again and are not stored. When
    /// <paramref name="biasSum"/> is not null, it also gets += the sum of dy over those rows and columns.
    /// </summary>
    private static void TapBlock<TV>(float* g, float* xc, float* dwc, float* biasSum, in Conv2DShape s, int kh0, int nh, int kw0, int nw,
        int ohFirst, int ohLast, int lo, int hi, TV tail)
        where TV : struct, IVector<TV>
    {
        if (ohFirst >= ohLast || lo >= hi)
        {
            return;
        }

        if (nh == 3 && s.StrideHeight == 1)
        {
            if (TV.Count >= 16)
            {
                TapBlockByInputRow<TV>(g, xc, dwc, biasSum, s, kh0, kw0, nw, ohFirst, ohLast, lo, hi, tail);
            }
            else
            {
                TapBlockByInputRowNarrow<TV>(g, xc, dwc, biasSum, s, kh0, kw0, nw, ohFirst, ohLast, lo, hi, tail);
            }

            return;
        }

        int inWidth = s.Width, outWidth = s.OutWidth, strideHeight = s.StrideHeight, count = TV.Count;
        long r1 = nh > 1 ? inWidth : 0, r2 = nh > 2 ? 2L * inWidth : 0;
        int d1 = nw > 1 ? 1 : 0, d2 = nw > 2 ? 2 : 0;
        int full = hi - count; // vectors start at lo, lo + count, ... up to full; the last one at full is masked by tail
        TV a00 = TV.Zero, a01 = TV.Zero, a02 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero, a12 = TV.Zero, a20 = TV.Zero, a21 = TV.Zero, a22 = TV.Zero;
        // The rows' last vectors sum apart (b..), so that each chain of dependent FMAs is half as long.
        TV sum = TV.Zero;
        TV b00 = TV.Zero, b01 = TV.Zero, b02 = TV.Zero, b10 = TV.Zero, b11 = TV.Zero, b12 = TV.Zero, b20 = TV.Zero, b21 = TV.Zero, b22 = TV.Zero;
        for (int oh = ohFirst; oh < ohLast; oh++)
        {
            float* gr = g + ((long)oh * outWidth);
            float* x0 = xc + ((long)((oh * strideHeight) - s.PadTop + kh0) * inWidth) + kw0 - s.PadLeft;
            float* x1 = x0 + r1, x2 = x0 + r2;
            int o = lo;
            for (; o < full; o += count)
            {
                TV d = TV.Load(gr + o);
                sum += d;
                a00 = TV.FusedMultiplyAdd(d, TV.Load(x0 + o), a00);
                a01 = TV.FusedMultiplyAdd(d, TV.Load(x0 + o + d1), a01);
                a02 = TV.FusedMultiplyAdd(d, TV.Load(x0 + o + d2), a02);
                a10 = TV.FusedMultiplyAdd(d, TV.Load(x1 + o), a10);
                a11 = TV.FusedMultiplyAdd(d, TV.Load(x1 + o + d1), a11);
                a12 = TV.FusedMultiplyAdd(d, TV.Load(x1 + o + d2), a12);
                a20 = TV.FusedMultiplyAdd(d, TV.Load(x2 + o), a20);
                a21 = TV.FusedMultiplyAdd(d, TV.Load(x2 + o + d1), a21);
                a22 = TV.FusedMultiplyAdd(d, TV.Load(x2 + o + d2), a22);
            }

            {
                // The row's last vector, at hi - count: whole when the vectors before ended exactly there, else masked.
                TV d = TV.Load(gr + full);
                if (o > full)
                {
                    d &= tail;
                }

                sum += d;

                b00 = TV.FusedMultiplyAdd(d, TV.Load(x0 + full), b00);
                b01 = TV.FusedMultiplyAdd(d, TV.Load(x0 + full + d1), b01);
                b02 = TV.FusedMultiplyAdd(d, TV.Load(x0 + full + d2), b02);
                b10 = TV.FusedMultiplyAdd(d, TV.Load(x1 + full), b10);
                b11 = TV.FusedMultiplyAdd(d, TV.Load(x1 + full + d1), b11);
                b12 = TV.FusedMultiplyAdd(d, TV.Load(x1 + full + d2), b12);
                b20 = TV.FusedMultiplyAdd(d, TV.Load(x2 + full), b20);
                b21 = TV.FusedMultiplyAdd(d, TV.Load(x2 + full + d1), b21);
                b22 = TV.FusedMultiplyAdd(d, TV.Load(x2 + full + d2), b22);
            }
        }

        if (biasSum != null)
        {
            *biasSum += TV.Sum(sum);
        }

        int kernelWidth = s.KernelWidth;
        float* t0 = dwc + (kh0 * kernelWidth) + kw0;
        AddSums(t0, a00 + b00, a01 + b01, a02 + b02, nw);
        if (nh > 1)
        {
            AddSums(t0 + kernelWidth, a10 + b10, a11 + b11, a12 + b12, nw);
        }

        if (nh > 2)
        {
            AddSums(t0 + (2 * kernelWidth), a20 + b20, a21 + b21, a22 + b22, nw);
        }
    }

    /// <summary>
    /// <see cref="TapBlock{TV}"/> for three kernel rows at vertical stride 1, walking input rows instead of output
    /// rows: input row j (of the block's rows) is kernel row kh of output row j - kh, so its three shifted vectors
    /// are loaded once and meet the dy rows j, j - 1, j - 2 (those that exist): 6 loads per 9 FMAs, not 10.
    /// </summary>
    private static void TapBlockByInputRow<TV>(float* g, float* xc, float* dwc, float* biasSum, in Conv2DShape s, int kh0, int kw0, int nw,
        int ohFirst, int ohLast, int lo, int hi, TV tail)
        where TV : struct, IVector<TV>
    {
        int inWidth = s.Width, outWidth = s.OutWidth, count = TV.Count, rows = ohLast - ohFirst;
        int d1 = nw > 1 ? 1 : 0, d2 = nw > 2 ? 2 : 0;
        int full = hi - count; // vectors at lo, lo + count, ... below full, then one at full (masked by tail when it overlaps)
        TV all = TV.LanesFrom(0);
        TV a00 = TV.Zero, a01 = TV.Zero, a02 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero, a12 = TV.Zero, a20 = TV.Zero, a21 = TV.Zero, a22 = TV.Zero;
        TV sum = TV.Zero;
        float* gj = g + ((long)ohFirst * outWidth);
        float* xj = xc + ((long)(ohFirst - s.PadTop + kh0) * inWidth) + kw0 - s.PadLeft;
        for (int j = 0; j < rows + 2; j++, gj += outWidth, xj += inWidth)
        {
            bool has0 = j < rows, has1 = j >= 1 && j <= rows, has2 = j >= 2;
            for (int o = lo; ; o += count)
            {
                int at = Math.Min(o, full);
                TV mask = o > full ? tail : all;
                TV x0 = TV.Load(xj + at), x1 = TV.Load(xj + at + d1), x2 = TV.Load(xj + at + d2);
                if (has0)
                {
                    TV d = TV.Load(gj + at) & mask;
                    sum += d;
                    a00 = TV.FusedMultiplyAdd(d, x0, a00);
                    a01 = TV.FusedMultiplyAdd(d, x1, a01);
                    a02 = TV.FusedMultiplyAdd(d, x2, a02);
                }

                if (has1)
                {
                    TV d = TV.Load(gj - outWidth + at) & mask;
                    a10 = TV.FusedMultiplyAdd(d, x0, a10);
                    a11 = TV.FusedMultiplyAdd(d, x1, a11);
                    a12 = TV.FusedMultiplyAdd(d, x2, a12);
                }

                if (has2)
                {
                    TV d = TV.Load(gj - (2 * outWidth) + at) & mask;
                    a20 = TV.FusedMultiplyAdd(d, x0, a20);
                    a21 = TV.FusedMultiplyAdd(d, x1, a21);
                    a22 = TV.FusedMultiplyAdd(d, x2, a22);
                }

                if (o >= full)
                {
                    break;
                }
            }
        }

        if (biasSum != null)
        {
            *biasSum += TV.Sum(sum);
        }

        int kernelWidth = s.KernelWidth;
        float* t0 = dwc + (kh0 * kernelWidth) + kw0;
        AddSums(t0, a00, a01, a02, nw);
        AddSums(t0 + kernelWidth, a10, a11, a12, nw);
        AddSums(t0 + (2 * kernelWidth), a20, a21, a22, nw);
    }

    /// <summary>
    /// <see cref="TapBlockByInputRow{TV}"/> for the widths below 512 bits, whose x64 CPUs have 16 vector registers (AVX2,
    /// SSE): the nine accumulators, three x vectors and dy fit only without the bias sum and the per-vector mask of the
    /// wide body (with them, 17 live vectors spilled, and the first layer's weight gradient took four times the
    /// AVX-512 time instead of twice). The interior vectors run unmasked, the row's last one masked by
    /// <paramref name="tail"/>; dBias, when asked, is a pass of its own over the block's dy rows.
    /// </summary>
    private static void TapBlockByInputRowNarrow<TV>(float* g, float* xc, float* dwc, float* biasSum, in Conv2DShape s, int kh0, int kw0, int nw,
        int ohFirst, int ohLast, int lo, int hi, TV tail)
        where TV : struct, IVector<TV>
    {
        int inWidth = s.Width, outWidth = s.OutWidth, count = TV.Count, rows = ohLast - ohFirst;
        int d1 = nw > 1 ? 1 : 0, d2 = nw > 2 ? 2 : 0;
        int full = hi - count; // vectors at lo, lo + count, ... below full, then one at full (masked when it overlaps)
        TV a00 = TV.Zero, a01 = TV.Zero, a02 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero, a12 = TV.Zero, a20 = TV.Zero, a21 = TV.Zero, a22 = TV.Zero;
        float* gj = g + ((long)ohFirst * outWidth);
        float* xj = xc + ((long)(ohFirst - s.PadTop + kh0) * inWidth) + kw0 - s.PadLeft;
        for (int j = 0; j < rows + 2; j++, gj += outWidth, xj += inWidth)
        {
            bool has0 = j < rows, has1 = j >= 1 && j <= rows, has2 = j >= 2;
            for (int o = lo; ; o += count)
            {
                // The last vector starts at full; it is masked when it overlaps the one before.
                bool last = o >= full, masked = o > full;
                int at = last ? full : o;
                TV x0 = TV.Load(xj + at), x1 = TV.Load(xj + at + d1), x2 = TV.Load(xj + at + d2);
                if (has0)
                {
                    TV d = TV.Load(gj + at);
                    d = masked ? d & tail : d;
                    a00 = TV.FusedMultiplyAdd(d, x0, a00);
                    a01 = TV.FusedMultiplyAdd(d, x1, a01);
                    a02 = TV.FusedMultiplyAdd(d, x2, a02);
                }

                if (has1)
                {
                    TV d = TV.Load(gj - outWidth + at);
                    d = masked ? d & tail : d;
                    a10 = TV.FusedMultiplyAdd(d, x0, a10);
                    a11 = TV.FusedMultiplyAdd(d, x1, a11);
                    a12 = TV.FusedMultiplyAdd(d, x2, a12);
                }

                if (has2)
                {
                    TV d = TV.Load(gj - (2 * outWidth) + at);
                    d = masked ? d & tail : d;
                    a20 = TV.FusedMultiplyAdd(d, x0, a20);
                    a21 = TV.FusedMultiplyAdd(d, x1, a21);
                    a22 = TV.FusedMultiplyAdd(d, x2, a22);
                }

                if (last)
                {
                    break;
                }
            }
        }

        if (biasSum != null)
        {
            // The block covers the whole plane when the caller asks for the bias sum.
            *biasSum += PlaneSum<TV>(g, s.OutHeight * outWidth);
        }

        int kernelWidth = s.KernelWidth;
        float* t0 = dwc + (kh0 * kernelWidth) + kw0;
        AddSums(t0, a00, a01, a02, nw);
        AddSums(t0 + kernelWidth, a10, a11, a12, nw);
        AddSums(t0 + (2 * kernelWidth), a20, a21, a22, nw);
    }

    /// <summary>at[0 .. nw - 1] += the lane sums of the first nw of a0, a1, a2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums<TV>(float* at, TV a0, TV a1, TV a2, int nw)
        where TV : struct, IVector<TV>
    {
        at[0] += TV.Sum(a0);
        if (nw > 1)
        {
            at[1] += TV.Sum(a1);
        }

        if (nw > 2)
        {
            at[2] += TV.Sum(a2);
        }
    }

    /// <summary>dWeight's kernel row kh of one channel and filter: the columns outside [lo, hi), each tap checked.</summary>
    private static void EdgeWeightGradient(float* g, float* xc, float* dwRow, in Conv2DShape s, int kh, int ohFirst, int ohLast, int lo, int hi)
    {
        for (int kw = 0; kw < s.KernelWidth; kw++)
        {
            float sum = 0f;
            for (int oh = ohFirst; oh < ohLast; oh++)
            {
                float* gr = g + ((long)oh * s.OutWidth);
                float* xr = xc + ((long)((oh * s.StrideHeight) - s.PadTop + kh) * s.Width);
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    if (ow == lo && hi > lo)
                    {
                        ow = hi - 1; // skip the interior
                        continue;
                    }

                    int iw = ow - s.PadLeft + kw;
                    if ((uint)iw < (uint)s.Width)
                    {
                        sum += gr[ow] * xr[iw];
                    }
                }
            }

            dwRow[kw] += sum;
        }
    }

    /// <summary>The sum of a plane (N floats), in vector lanes, then across them.</summary>
    private static float PlaneSum<TV>(float* g, int n)
        where TV : struct, IVector<TV>
    {
        // Four chains of adds: one would wait on the add's latency at every step.
        TV acc0 = TV.Zero, acc1 = TV.Zero, acc2 = TV.Zero, acc3 = TV.Zero;
        int i = 0, count = TV.Count;
        for (; i <= n - (4 * count); i += 4 * count)
        {
            acc0 += TV.Load(g + i);
            acc1 += TV.Load(g + i + count);
            acc2 += TV.Load(g + i + (2 * count));
            acc3 += TV.Load(g + i + (3 * count));
        }

        for (; i <= n - count; i += count)
        {
            acc0 += TV.Load(g + i);
        }

        float total = TV.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < n; i++)
        {
            total += g[i];
        }

        return total;
    }

    /// <summary>
    /// dx (B, C, H, W) = 0, then for each filter and tap, dx[b, c, oh SH - PT + kh, ow - PL + kw] += weight[f, c, kh, kw] dy[b, f, oh, ow]:
    /// each (sample, channel) plane of dx stays in L1 while every filter's dy rows are added onto its shifted rows.
    /// </summary>
    private static void InputGradient<TV>(float* weight, float* dy, float* dx, int batch, in Conv2DShape s)
        where TV : struct, IVector<TV>
    {
        int channels = s.Channels, height = s.Height, inWidth = s.Width, filters = s.Filters;
        int kernelHeight = s.KernelHeight, kernelWidth = s.KernelWidth, strideHeight = s.StrideHeight, padTop = s.PadTop, padLeft = s.PadLeft;
        int outHeight = s.OutHeight, outWidth = s.OutWidth, taps = s.PatchSize, plane = height * inWidth, outPlane = outHeight * outWidth;
        int count = TV.Count;
        new Span<float>(dx, batch * s.InputSize).Clear();
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                float* dxc = dx + ((((long)b * channels) + c) * plane);
                for (int f = 0; f < filters; f++)
                {
                    float* g = dy + ((((long)b * filters) + f) * outPlane);
                    float* wf = weight + ((long)f * taps) + (c * kernelHeight * kernelWidth);
                    for (int kh = 0; kh < kernelHeight; kh++)
                    {
                        (int ohFirst, int ohLast) = OutputRows(s, kh);
                        for (int kw = 0; kw < kernelWidth; kw++)
                        {
                            // Output columns whose input column ow - PL + kw lies inside the row.
                            int first = Math.Max(0, padLeft - kw), last = Math.Min(outWidth, inWidth + padLeft - kw);
                            int shift = kw - padLeft;
                            TV wv = TV.Create(wf[(kh * kernelWidth) + kw]);
                            float ws = wf[(kh * kernelWidth) + kw];
                            for (int oh = ohFirst; oh < ohLast; oh++)
                            {
                                float* gr = g + ((long)oh * outWidth);
                                float* dr = dxc + ((long)((oh * strideHeight) - padTop + kh) * inWidth) + shift;
                                int o = first;
                                for (; o <= last - count; o += count)
                                {
                                    TV.FusedMultiplyAdd(TV.Load(gr + o), wv, TV.Load(dr + o)).Store(dr + o);
                                }

                                for (; o < last; o++)
                                {
                                    dr[o] += ws * gr[o];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
