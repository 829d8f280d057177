using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Ops;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// 2-D convolution as im2col plus GEMM, channels first. x (B, C, H, W), weight (F, C, KH, KW), bias (F),
/// y (B, F, OH, OW); P = OH * OW positions, K = C * KH * KW taps per position.
/// <para>
/// The default method (<see cref="ConvMethod.ChannelMajor"/>) takes the batch in chunks of samples and lays each
/// chunk's patches out as (K, chunk * P): row (c, kh, kw) holds that tap for every position of the chunk, so for
/// stride 1 im2col and col2im move whole runs of input rows (copies and vector adds), and one GEMM per chunk,
/// weight (F, K) x patches (K, chunk * P), gives rows (F, chunk * P), each (f, b) run of P outputs a contiguous
/// copy into y with the bias and the activation. Chunks are sized so a chunk's patches stay in cache between
/// im2col and the product (one sample for 32 channels of 13x13, where that is a quarter faster than the whole
/// batch at once, and then the product lands straight in y); with few taps (a first layer) the GEMM is cheap
/// and the batch goes whole. The patches buffer keeps the interface's size, (B, P, K) floats, in this order.
/// The alternatives (a row per position with one GEMM and a transposing epilogue, or a GEMM per sample on
/// row-per-position patches) measured slower on the benchmark network; they stay, tested, for measurement.
/// </para>
/// </summary>
internal static unsafe class Conv2DCpu
{
    /// <summary>
    /// At or below this many taps per position (C * KH * KW, e.g. 9 for a first 3x3 layer on one channel) the
    /// weight gradient is dot products straight from dy: the GEMM's tiles would be mostly empty there.
    /// </summary>
    private const int SmallTaps = 16;

    /// <summary>Floats of patches (or rows) per chunk of the channel-major method.</summary>
    private const long ChunkFloats = 1L << 16;

    /// <summary>Tile side of the blocked transposes of the row-major method.</summary>
    private const int TransposeTile = 16;

    /// <summary>How the convolution is laid out over the GEMM.</summary>
    internal enum ConvMethod
    {
        /// <summary>patches (K, B * P); one GEMM weight x patches into rows (F, B * P); contiguous epilogue.</summary>
        ChannelMajor,

        /// <summary>patches (B * P, K); one GEMM patches x weight^T into rows (B * P, F); transposing epilogue.</summary>
        RowMajor,

        /// <summary>patches (B * P, K); a GEMM per sample, weight x patches_b^T straight into y_b (F, P).</summary>
        PerSample,
    }

    /// <summary>Forces the samples per chunk of the channel-major method on this thread; 0 picks by size. For tests and measurements.</summary>
    [ThreadStatic]
    internal static int ForcedChunk;

    /// <summary>Forces a method on this thread; null picks the default. For tests and measurements.</summary>
    [ThreadStatic]
    internal static ConvMethod? ForcedMethod;

    private static int Width => SimdWidth.Allowed;

    private static ConvMethod Method => ForcedMethod ?? ConvMethod.ChannelMajor;

    /// <summary>
    /// x (B, C, H, W), weight (F, C, KH, KW), bias (F), patches (B * P * K), rows (B * P * F), y (B, F, OH, OW):
    /// y = act(conv(x, weight) + bias). patches keeps the unrolled input for <see cref="Backward"/>.
    /// </summary>
    public static void Forward(GemmCpu gemm, float* x, float* weight, float* bias, float* patches, float* rows, float* y,
        int batch, in Conv2DShape s, ActivationKind activation)
    {
        int positions = s.Positions, taps = s.PatchSize, filters = s.Filters;
        int all = batch * positions;
        int width = Width;
        switch (Method)
        {
            case ConvMethod.ChannelMajor:
            {
                int chunk = Chunk(batch, s);
                if (chunk == 1 && taps > SmallTaps && gemm.CanPrepack(filters, taps))
                {
                    // Chunks of one sample: the weight packed once for the whole batch, the samples split over the threads.
                    SampleJob job = SampleJob.For(gemm, x, gemm.PrepackA(weight, false, filters, taps), bias, patches, y, null, null, batch, s, activation, width);
                    gemm.Parallel(job, Math.Min(gemm.Threads, batch));
                    job.Clear();
                    break;
                }

                for (int b0 = 0; b0 < batch; b0 += chunk)
                {
                    int count = Math.Min(chunk, batch - b0);
                    ForwardChannelMajor(gemm, x + ((long)b0 * s.InputSize), weight, bias, patches + ((long)b0 * positions * taps),
                        rows + ((long)b0 * positions * filters), y + ((long)b0 * s.OutputSize), count, s, activation, width);
                }

                break;
            }
            case ConvMethod.RowMajor:
                ImageToColumnsRowMajor(x, patches, batch, s);
                gemm.Run(false, true, all, filters, taps, 1f, patches, weight, 0f, rows);
                for (int b = 0; b < batch; b++)
                {
                    float* yb = y + ((long)b * filters * positions);
                    // rows_b (P, F) -> y_b (F, P), then bias and activation along each filter's contiguous run.
                    Transpose(rows + ((long)b * positions * filters), yb, positions, filters);
                    for (int f = 0; f < filters; f++)
                    {
                        float* run = yb + ((long)f * positions);
                        BiasActivation(run, run, bias[f], positions, activation, width);
                    }
                }

                break;
            default:
                ImageToColumnsRowMajor(x, patches, batch, s);
                for (int b = 0; b < batch; b++)
                {
                    float* yb = y + ((long)b * filters * positions);
                    gemm.Run(false, true, filters, positions, taps, 1f, weight, patches + ((long)b * positions * taps), 0f, yb);
                    for (int f = 0; f < filters; f++)
                    {
                        float* run = yb + ((long)f * positions);
                        BiasActivation(run, run, bias[f], positions, activation, width);
                    }
                }

                break;
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/> from dy (B, F, OH, OW), the gradient of the pre-activation output:
    /// dBias += sum over batch and positions of dy; dWeight (F, K) += dy x patches^T (patches as the forward left
    /// them); when dx is not null, dpatches = weight^T x dy (into patches, now scratch) and dx (B, C, H, W) =
    /// col2im(dpatches), each input summing the taps that read it.
    /// </summary>
    public static void Backward(GemmCpu gemm, float* weight, float* dy, float* patches, float* rows, float* dWeight, float* dBias,
        float* dx, int batch, in Conv2DShape s)
    {
        int positions = s.Positions, taps = s.PatchSize, filters = s.Filters;
        int all = batch * positions;
        int width = Width;
        switch (Method)
        {
            case ConvMethod.ChannelMajor:
            {
                int chunk = Chunk(batch, s);
                // Chunks of one sample with dx: weight^T packed once for the whole batch. On one thread each sample's dx
                // follows its weight gradient while its patches are in cache; on more, dx comes after the whole weight
                // gradient (patches become dpatches), the samples split over the threads.
                SampleJob? job = dx != null && chunk == 1 && taps > SmallTaps && gemm.CanPrepack(taps, filters)
                    ? SampleJob.For(gemm, null, gemm.PrepackA(weight, true, taps, filters), null, patches, null, dy, dx, batch, s, ActivationKind.Linear, width)
                    : null;
                bool interleave = job != null && gemm.Threads == 1;

                // Chunks of one sample: dWeight^T (K, F) accumulated in the GEMM's scratch, sample after sample, as
                // patches_b (K, P) read in place times dy_b^T (P, F) (only dy_b is transposed), added into dWeight once.
                bool transposed = chunk == 1 && taps > SmallTaps && (dx == null || job != null) && gemm.CanAccumulate(taps, filters, positions);
                for (int b0 = 0; b0 < batch; b0 += chunk)
                {
                    int count = Math.Min(chunk, batch - b0);
                    if (transposed)
                    {
                        float* dyb = dy + ((long)b0 * s.OutputSize);
                        for (int f = 0; f < filters; f++)
                        {
                            dBias[f] += Sum(dyb + ((long)f * positions), positions, width);
                        }

                        gemm.AccumulateTransposedB(patches + ((long)b0 * positions * taps), positions, dyb, positions, taps, filters, positions, first: b0 == 0);
                    }
                    else
                    {
                        BackwardChannelMajor(gemm, weight, dy + ((long)b0 * s.OutputSize), patches + ((long)b0 * positions * taps),
                            rows + ((long)b0 * positions * filters), dWeight, dBias, dx == null || job != null ? null : dx + ((long)b0 * s.InputSize), count, s, width);
                    }

                    if (interleave)
                    {
                        job!.Sample(0, b0);
                    }
                }

                if (transposed && batch > 0)
                {
                    // dWeight (F, K) += the accumulated dWeight^T (K, F).
                    float* acc = gemm.Accumulator;
                    int ld = gemm.AccumulatorStride(filters);
                    for (int f = 0; f < filters; f++)
                    {
                        float* row = dWeight + ((long)f * taps);
                        for (int t = 0; t < taps; t++)
                        {
                            row[t] += acc[((long)t * ld) + f];
                        }
                    }
                }

                if (job != null)
                {
                    if (!interleave)
                    {
                        gemm.Parallel(job, Math.Min(gemm.Threads, batch));
                    }

                    job.Clear();
                }

                break;
            }
            case ConvMethod.RowMajor:
                for (int b = 0; b < batch; b++)
                {
                    float* dyb = dy + ((long)b * filters * positions);
                    Transpose(dyb, rows + ((long)b * positions * filters), filters, positions);
                    for (int f = 0; f < filters; f++)
                    {
                        dBias[f] += Sum(dyb + ((long)f * positions), positions, width);
                    }
                }

                // dWeight (F, K) += rows^T (F, B * P) x patches (B * P, K).
                gemm.Run(true, false, filters, taps, all, 1f, rows, patches, 1f, dWeight);
                if (dx != null)
                {
                    // dpatches (B * P, K) = rows (B * P, F) x weight (F, K).
                    gemm.Run(false, false, all, taps, filters, 1f, rows, weight, 0f, patches);
                    ColumnsToImageRowMajor(patches, dx, batch, s);
                }

                break;
            default:
                for (int b = 0; b < batch; b++)
                {
                    float* dyb = dy + ((long)b * filters * positions);
                    for (int f = 0; f < filters; f++)
                    {
                        dBias[f] += Sum(dyb + ((long)f * positions), positions, width);
                    }

                    // dWeight (F, K) += dy_b (F, P) x patches_b (P, K).
                    gemm.Run(false, false, filters, taps, positions, 1f, dyb, patches + ((long)b * positions * taps), 1f, dWeight);
                }

                if (dx != null)
                {
                    for (int b = 0; b < batch; b++)
                    {
                        // dpatches_b (P, K) = dy_b^T (P, F) x weight (F, K).
                        gemm.Run(true, false, positions, taps, filters, 1f, dy + ((long)b * filters * positions), weight, 0f,
                            patches + ((long)b * positions * taps));
                    }

                    ColumnsToImageRowMajor(patches, dx, batch, s);
                }

                break;
        }
    }

    /// <summary>
    /// Chunks of one sample over a prepacked weight, samples split into contiguous ranges over the threads (each sample's
    /// result is the same whichever thread computes it). Forward (dy null): im2col, weight x patches_b straight into y_b,
    /// bias and activation. Backward (dy set): dpatches_b (K, P) = weight^T x dy_b into patches_b, col2im into dx_b.
    /// One instance per calling thread, made on first use.
    /// </summary>
    private sealed class SampleJob : IParallelJob
    {
        [ThreadStatic]
        private static SampleJob? t_instance;

        private GemmCpu? _gemm;
        private float* _x, _packed, _bias, _patches, _y, _dy, _dx;
        private int _batch, _width;
        private Conv2DShape _shape;
        private ActivationKind _activation;

        public static SampleJob For(GemmCpu gemm, float* x, float* packed, float* bias, float* patches, float* y, float* dy, float* dx,
            int batch, in Conv2DShape s, ActivationKind activation, int width)
        {
            SampleJob job = t_instance ??= new SampleJob();
            job._gemm = gemm;
            job._x = x;
            job._packed = packed;
            job._bias = bias;
            job._patches = patches;
            job._y = y;
            job._dy = dy;
            job._dx = dx;
            (job._batch, job._shape, job._activation, job._width) = (batch, s, activation, width);
            return job;
        }

        public void Clear()
        {
            _gemm = null;
            _x = _packed = _bias = _patches = _y = _dy = _dx = null;
        }

        public void Execute(int part, int parts)
        {
            for (int b = _batch * part / parts, end = _batch * (part + 1) / parts; b < end; b++)
            {
                Sample(part, b);
            }
        }

        /// <summary>Sample b of the job, with workspace <paramref name="part"/>.</summary>
        public void Sample(int part, int b)
        {
            ref readonly Conv2DShape s = ref _shape;
            int positions = s.Positions, taps = s.PatchSize, filters = s.Filters;
            {
                float* patches = _patches + ((long)b * positions * taps);
                if (_dy == null)
                {
                    float* y = _y + ((long)b * s.OutputSize);
                    ImageToColumnsChannelMajor(_x + ((long)b * s.InputSize), patches, 1, s, _width);
                    _gemm!.RunPrepacked(part, _packed, filters, positions, taps, false, patches, 0f, y, positions);
                    for (int f = 0; f < filters; f++)
                    {
                        float* run = y + ((long)f * positions);
                        BiasActivation(run, run, _bias[f], positions, _activation, _width);
                    }
                }
                else
                {
                    _gemm!.RunPrepacked(part, _packed, taps, positions, filters, false, _dy + ((long)b * s.OutputSize), 0f, patches, positions);
                    ColumnsToImageChannelMajor(patches, _dx + ((long)b * s.InputSize), 1, s, _width);
                }
            }
        }
    }

    /// <summary>
    /// Samples per chunk of the channel-major method: each chunk's patches (K, chunk * P) are unrolled, multiplied
    /// and used while they are still in cache, rather than the whole batch's going out to memory and back.
    /// </summary>
    private static int Chunk(int batch, in Conv2DShape s)
    {
        if (ForcedChunk > 0)
        {
            return ForcedChunk;
        }

        if (s.PatchSize <= SmallTaps)
        {
            return Math.Max(batch, 1); // the dot-product weight gradient gains nothing from chunks
        }

        long perSample = (long)s.Positions * Math.Max(s.PatchSize, s.Filters);
        return (int)Math.Clamp(ChunkFloats / Math.Max(perSample, 1), 1, Math.Max(batch, 1));
    }

    /// <summary>One chunk of <see cref="Forward"/> (channel-major): x (B, C, H, W) -> patches (K, B * P) -> rows (F, B * P) -> y (B, F, P).</summary>
    private static void ForwardChannelMajor(GemmCpu gemm, float* x, float* weight, float* bias, float* patches, float* rows, float* y,
        int batch, in Conv2DShape s, ActivationKind activation, int width)
    {
        int positions = s.Positions, taps = s.PatchSize, filters = s.Filters;
        int all = batch * positions;
        ImageToColumnsChannelMajor(x, patches, batch, s, width);
        // One sample: rows (F, P) is y's layout already, so the product goes straight into y.
        float* target = batch == 1 ? y : rows;
        gemm.Run(false, false, filters, all, taps, 1f, weight, patches, 0f, target);
        // rows (F, B * P) -> y (B, F, P): run (f, b) of P outputs is contiguous on both sides.
        for (int b = 0; b < batch; b++)
        {
            for (int f = 0; f < filters; f++)
            {
                BiasActivation(target + ((long)f * all) + ((long)b * positions), y + ((((long)b * filters) + f) * positions),
                    bias[f], positions, activation, width);
            }
        }
    }

    /// <summary>One chunk of <see cref="Backward"/> (channel-major), dWeight and dBias accumulated chunk after chunk.</summary>
    private static void BackwardChannelMajor(GemmCpu gemm, float* weight, float* dy, float* patches, float* rows, float* dWeight, float* dBias,
        float* dx, int batch, in Conv2DShape s, int width)
    {
        int positions = s.Positions, taps = s.PatchSize, filters = s.Filters;
        int all = batch * positions;
        if (taps <= SmallTaps)
        {
            // Few taps: dWeight and dBias as dot products over dy as it is; rows only when dx needs them.
            SmallTapsWeightGradient(dy, patches, dWeight, dBias, batch, s, width);
            if (dx != null)
            {
                for (int b = 0; b < batch; b++)
                {
                    for (int f = 0; f < filters; f++)
                    {
                        CopyRun(dy + ((((long)b * filters) + f) * positions), rows + ((long)f * all) + ((long)b * positions), positions, width);
                    }
                }
            }
        }
        else if (batch == 1)
        {
            // One sample: dy (F, P) is rows' layout already.
            rows = dy;
            for (int f = 0; f < filters; f++)
            {
                dBias[f] += Sum(dy + ((long)f * positions), positions, width);
            }

            gemm.Run(false, true, filters, taps, all, 1f, rows, patches, 1f, dWeight);
        }
        else
        {
            // dBias: the sum of each (b, f) run, taken while dy (B, F, P) is copied into rows (F, B * P).
            for (int b = 0; b < batch; b++)
            {
                for (int f = 0; f < filters; f++)
                {
                    dBias[f] += CopySum(dy + ((((long)b * filters) + f) * positions), rows + ((long)f * all) + ((long)b * positions), positions, width);
                }
            }

            // dWeight (F, K) += rows (F, B * P) x patches^T (B * P, K).
            gemm.Run(false, true, filters, taps, all, 1f, rows, patches, 1f, dWeight);
        }

        if (dx != null)
        {
            // dpatches (K, B * P) = weight^T (K, F) x rows (F, B * P), then scattered back onto dx.
            gemm.Run(true, false, taps, all, filters, 1f, weight, rows, 0f, patches);
            ColumnsToImageChannelMajor(patches, dx, batch, s, width);
        }
    }

    /// <summary>
    /// dy (B, F, P), patches (K, B * P) -> dWeight (F, K) += sum over b, p of dy[b, f, p] patches[t, (b, p)] and
    /// dBias (F) += sum of dy, one sample at a time (its patch rows stay in cache while every filter's run meets
    /// them), four taps per pass over a run.
    /// </summary>
    private static void SmallTapsWeightGradient(float* dy, float* patches, float* dWeight, float* dBias, int batch, in Conv2DShape s, int width)
    {
        int positions = s.Positions, taps = s.PatchSize, filters = s.Filters;
        long all = (long)batch * positions;
        for (int b = 0; b < batch; b++)
        {
            float* pb = patches + ((long)b * positions);
            for (int f = 0; f < filters; f++)
            {
                float* g = dy + ((((long)b * filters) + f) * positions);
                dBias[f] += Sum(g, positions, width);
                for (int t = 0; t < taps; t += 4)
                {
                    Dot4(g, pb + (t * all), all, Math.Min(4, taps - t), positions, dWeight + ((long)f * taps) + t, width);
                }
            }
        }
    }

    /// <summary>
    /// result[j] += g (N) . rows[j] (N) for the <paramref name="count"/> (1 to 4) rows at p, p + stride, ...
    /// (missing rows read the first one again and are not stored).
    /// </summary>
    private static void Dot4(float* g, float* p, long stride, int count, int n, float* result, int width)
    {
        float* p0 = p, p1 = count > 1 ? p + stride : p, p2 = count > 2 ? p + (2 * stride) : p, p3 = count > 3 ? p + (3 * stride) : p;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        if (width >= 512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.Load(g + i);
                a0 = Vector512.FusedMultiplyAdd(v, Vector512.Load(p0 + i), a0);
                a1 = Vector512.FusedMultiplyAdd(v, Vector512.Load(p1 + i), a1);
                a2 = Vector512.FusedMultiplyAdd(v, Vector512.Load(p2 + i), a2);
                a3 = Vector512.FusedMultiplyAdd(v, Vector512.Load(p3 + i), a3);
            }

            s0 += Vector512.Sum(a0);
            s1 += Vector512.Sum(a1);
            s2 += Vector512.Sum(a2);
            s3 += Vector512.Sum(a3);
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.Load(g + i);
                a0 = Vector256.FusedMultiplyAdd(v, Vector256.Load(p0 + i), a0);
                a1 = Vector256.FusedMultiplyAdd(v, Vector256.Load(p1 + i), a1);
                a2 = Vector256.FusedMultiplyAdd(v, Vector256.Load(p2 + i), a2);
                a3 = Vector256.FusedMultiplyAdd(v, Vector256.Load(p3 + i), a3);
            }

            s0 += Vector256.Sum(a0);
            s1 += Vector256.Sum(a1);
            s2 += Vector256.Sum(a2);
            s3 += Vector256.Sum(a3);
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> v = Vector128.Load(g + i);
                a0 = Vector128.FusedMultiplyAdd(v, Vector128.Load(p0 + i), a0);
                a1 = Vector128.FusedMultiplyAdd(v, Vector128.Load(p1 + i), a1);
                a2 = Vector128.FusedMultiplyAdd(v, Vector128.Load(p2 + i), a2);
                a3 = Vector128.FusedMultiplyAdd(v, Vector128.Load(p3 + i), a3);
            }

            s0 += Vector128.Sum(a0);
            s1 += Vector128.Sum(a1);
            s2 += Vector128.Sum(a2);
            s3 += Vector128.Sum(a3);
        }

        for (; i < n; i++)
        {
            float v = g[i];
            s0 += v * p0[i];
            s1 += v * p1[i];
            s2 += v * p2[i];
            s3 += v * p3[i];
        }

        result[0] += s0;
        if (count > 1)
        {
            result[1] += s1;
        }

        if (count > 2)
        {
            result[2] += s2;
        }

        if (count > 3)
        {
            result[3] += s3;
        }
    }

    /// <summary>
    /// The output columns [lo, hi) whose tap at kernel column <paramref name="kw"/> lands inside the input row:
    /// 0 &lt;= ow * SW - PL + kw &lt; W.
    /// </summary>
    private static (int Lo, int Hi) ValidColumns(in Conv2DShape s, int kw)
    {
        int first = s.PadLeft - kw; // ow * SW >= first
        int lo = first <= 0 ? 0 : (first + s.StrideWidth - 1) / s.StrideWidth;
        int last = s.Width - 1 + s.PadLeft - kw; // ow * SW <= last
        int hi = last < 0 ? 0 : Math.Min(s.OutWidth, (last / s.StrideWidth) + 1);
        return (Math.Min(lo, hi), hi);
    }

    /// <summary>x (B, C, H, W) -> patches (K, B * P): patches[(c, kh, kw), (b, oh, ow)] = x[b, c, oh SH - PT + kh, ow SW - PL + kw] or 0.</summary>
    private static void ImageToColumnsChannelMajor(float* x, float* patches, int batch, in Conv2DShape s, int width)
    {
        int positions = s.Positions, all = batch * positions, plane = s.Height * s.Width;
        int ow = s.OutWidth, sw = s.StrideWidth;
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < s.Channels; c++)
            {
                // The (b, c) plane stays in L1 while its KH * KW patch rows are written.
                float* src = x + ((((long)b * s.Channels) + c) * plane);
                for (int kh = 0; kh < s.KernelHeight; kh++)
                {
                    for (int kw = 0; kw < s.KernelWidth; kw++)
                    {
                        int tap = (((c * s.KernelHeight) + kh) * s.KernelWidth) + kw;
                        float* dst = patches + ((long)tap * all) + ((long)b * positions);
                        (int lo, int hi) = ValidColumns(s, kw);
                        int shift = kw - s.PadLeft;
                        for (int oh = 0; oh < s.OutHeight; oh++, dst += ow)
                        {
                            int ih = (oh * s.StrideHeight) - s.PadTop + kh;
                            if ((uint)ih >= (uint)s.Height)
                            {
                                new Span<float>(dst, ow).Clear();
                                continue;
                            }

                            float* row = src + ((long)ih * s.Width);
                            if (lo > 0)
                            {
                                new Span<float>(dst, lo).Clear();
                            }

                            if (sw == 1)
                            {
                                CopyRun(row + lo + shift, dst + lo, hi - lo, width);
                            }
                            else
                            {
                                for (int o = lo; o < hi; o++)
                                {
                                    dst[o] = row[(o * sw) + shift];
                                }
                            }

                            if (hi < ow)
                            {
                                new Span<float>(dst + hi, ow - hi).Clear();
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>dpatches (K, B * P) -> dx (B, C, H, W): dx = 0, then every tap adds its gradient to the input it read.</summary>
    private static void ColumnsToImageChannelMajor(float* patches, float* dx, int batch, in Conv2DShape s, int width)
    {
        int positions = s.Positions, all = batch * positions, plane = s.Height * s.Width;
        int ow = s.OutWidth, sw = s.StrideWidth;
        new Span<float>(dx, batch * s.InputSize).Clear();
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < s.Channels; c++)
            {
                float* dst = dx + ((((long)b * s.Channels) + c) * plane);
                for (int kh = 0; kh < s.KernelHeight; kh++)
                {
                    for (int kw = 0; kw < s.KernelWidth; kw++)
                    {
                        int tap = (((c * s.KernelHeight) + kh) * s.KernelWidth) + kw;
                        float* src = patches + ((long)tap * all) + ((long)b * positions);
                        (int lo, int hi) = ValidColumns(s, kw);
                        int shift = kw - s.PadLeft;
                        for (int oh = 0; oh < s.OutHeight; oh++, src += ow)
                        {
                            int ih = (oh * s.StrideHeight) - s.PadTop + kh;
                            if ((uint)ih >= (uint)s.Height)
                            {
                                continue; // a padding row: nothing to give back
                            }

                            float* row = dst + ((long)ih * s.Width);
                            if (sw == 1)
                            {
                                AddTo(row + lo + shift, src + lo, hi - lo, width);
                            }
                            else
                            {
                                for (int o = lo; o < hi; o++)
                                {
                                    row[(o * sw) + shift] += src[o];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>x (B, C, H, W) -> patches (B * P, K): one row of K taps per output position, padding taps 0.</summary>
    private static void ImageToColumnsRowMajor(float* x, float* patches, int batch, in Conv2DShape s)
    {
        int taps = s.PatchSize, plane = s.Height * s.Width, kwidth = s.KernelWidth;
        float* dst = patches;
        for (int b = 0; b < batch; b++)
        {
            float* xb = x + ((long)b * s.InputSize);
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++, dst += taps)
                {
                    int ih0 = (oh * s.StrideHeight) - s.PadTop, iw0 = (ow * s.StrideWidth) - s.PadLeft;
                    bool inside = iw0 >= 0 && iw0 + kwidth <= s.Width;
                    float* d = dst;
                    for (int c = 0; c < s.Channels; c++)
                    {
                        float* src = xb + ((long)c * plane);
                        for (int kh = 0; kh < s.KernelHeight; kh++, d += kwidth)
                        {
                            int ih = ih0 + kh;
                            if ((uint)ih >= (uint)s.Height)
                            {
                                new Span<float>(d, kwidth).Clear();
                                continue;
                            }

                            float* row = src + ((long)ih * s.Width) + iw0;
                            if (inside)
                            {
                                for (int kw = 0; kw < kwidth; kw++)
                                {
                                    d[kw] = row[kw];
                                }
                            }
                            else
                            {
                                for (int kw = 0; kw < kwidth; kw++)
                                {
                                    d[kw] = (uint)(iw0 + kw) < (uint)s.Width ? row[kw] : 0f;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>dpatches (B * P, K) -> dx (B, C, H, W): dx = 0, then each tap's gradient added to the input it read.</summary>
    private static void ColumnsToImageRowMajor(float* patches, float* dx, int batch, in Conv2DShape s)
    {
        int taps = s.PatchSize, plane = s.Height * s.Width, kwidth = s.KernelWidth;
        new Span<float>(dx, batch * s.InputSize).Clear();
        float* src = patches;
        for (int b = 0; b < batch; b++)
        {
            float* xb = dx + ((long)b * s.InputSize);
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++, src += taps)
                {
                    int ih0 = (oh * s.StrideHeight) - s.PadTop, iw0 = (ow * s.StrideWidth) - s.PadLeft;
                    float* d = src;
                    for (int c = 0; c < s.Channels; c++)
                    {
                        float* dst = xb + ((long)c * plane);
                        for (int kh = 0; kh < s.KernelHeight; kh++, d += kwidth)
                        {
                            int ih = ih0 + kh;
                            if ((uint)ih >= (uint)s.Height)
                            {
                                continue;
                            }

                            float* row = dst + ((long)ih * s.Width) + iw0;
                            for (int kw = 0; kw < kwidth; kw++)
                            {
                                if ((uint)(iw0 + kw) < (uint)s.Width)
                                {
                                    row[kw] += d[kw];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>src (R, C) -> dst (C, R), in square tiles so both sides stay in cache.</summary>
    private static void Transpose(float* src, float* dst, int rowCount, int columnCount)
    {
        for (int r0 = 0; r0 < rowCount; r0 += TransposeTile)
        {
            int r1 = Math.Min(rowCount, r0 + TransposeTile);
            for (int c0 = 0; c0 < columnCount; c0 += TransposeTile)
            {
                int c1 = Math.Min(columnCount, c0 + TransposeTile);
                for (int c = c0; c < c1; c++)
                {
                    float* d = dst + ((long)c * rowCount);
                    for (int r = r0; r < r1; r++)
                    {
                        d[r] = src[((long)r * columnCount) + c];
                    }
                }
            }
        }
    }

    /// <summary>dst (N) = act(src (N) + bias); src and dst may be the same run.</summary>
    private static void BiasActivation(float* src, float* dst, float bias, int n, ActivationKind activation, int width)
    {
        switch (activation)
        {
            case ActivationKind.Linear: BiasRun(src, dst, bias, n, relu: false, width); break;
            case ActivationKind.ReLU: BiasRun(src, dst, bias, n, relu: true, width); break;
            case ActivationKind.Sigmoid:
                BiasRun(src, dst, bias, n, relu: false, width);
                SigmoidOp.Forward(new ReadOnlySpan<float>(dst, n), new Span<float>(dst, n));
                break;
            case ActivationKind.Tanh:
                BiasRun(src, dst, bias, n, relu: false, width);
                TanhOp.Forward(new ReadOnlySpan<float>(dst, n), new Span<float>(dst, n));
                break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Conv2D takes Linear, ReLU, Sigmoid or Tanh.");
        }
    }

    /// <summary>dst (N) = src (N) + bias, then max(., 0) when <paramref name="relu"/>.</summary>
    private static void BiasRun(float* src, float* dst, float bias, int n, bool relu, int width)
    {
        int i = 0;
        if (width >= 512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vb = Vector512.Create(bias);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.Load(src + i) + vb;
                (relu ? Vector512.MaxNative(v, Vector512<float>.Zero) : v).Store(dst + i);
            }
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vb = Vector256.Create(bias);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.Load(src + i) + vb;
                (relu ? Vector256.MaxNative(v, Vector256<float>.Zero) : v).Store(dst + i);
            }
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vb = Vector128.Create(bias);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> v = Vector128.Load(src + i) + vb;
                (relu ? Vector128.MaxNative(v, Vector128<float>.Zero) : v).Store(dst + i);
            }
        }

        for (; i < n; i++)
        {
            float v = src[i] + bias;
            dst[i] = relu ? ReluOp.Invoke(v) : v;
        }
    }

    /// <summary>
    /// dst (N) = src (N): the short runs of im2col (a map's row) without a call into the library per run. A run at
    /// least a vector long ends with a whole vector overlapping the previous one (the same values written twice), so
    /// an 11-float row is two 8-float copies, not 8 + 3 scalars (a masked 512-bit copy measured slower on Zen 4);
    /// shorter runs go to the next narrower width, then scalars.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(float* src, float* dst, int n, int width)
    {
        int i = 0;
        if (width >= 512 && Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            for (; i < n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512.Load(src + i).Store(dst + i);
            }

            int last = n - Vector512<float>.Count;
            Vector512.Load(src + last).Store(dst + last);
            return;
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            for (; i < n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Load(src + i).Store(dst + i);
            }

            int last = n - Vector256<float>.Count;
            Vector256.Load(src + last).Store(dst + last);
            return;
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            for (; i < n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128.Load(src + i).Store(dst + i);
            }

            int last = n - Vector128<float>.Count;
            Vector128.Load(src + last).Store(dst + last);
            return;
        }

        for (; i < n; i++)
        {
            dst[i] = src[i];
        }
    }

    /// <summary>
    /// dst (N) += src (N): col2im's short runs, ending like <see cref="CopyRun"/> with a vector overlapping the
    /// previous one, its sum taken before any store so the overlap gets the same value twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(float* dst, float* src, int n, int width)
    {
        int i = 0;
        if (width >= 512 && Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            int last = n - Vector512<float>.Count;
            Vector512<float> tail = Vector512.Load(dst + last) + Vector512.Load(src + last);
            for (; i < last; i += Vector512<float>.Count)
            {
                (Vector512.Load(dst + i) + Vector512.Load(src + i)).Store(dst + i);
            }

            tail.Store(dst + last);
            return;
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            int last = n - Vector256<float>.Count;
            Vector256<float> tail = Vector256.Load(dst + last) + Vector256.Load(src + last);
            for (; i < last; i += Vector256<float>.Count)
            {
                (Vector256.Load(dst + i) + Vector256.Load(src + i)).Store(dst + i);
            }

            tail.Store(dst + last);
            return;
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            int last = n - Vector128<float>.Count;
            Vector128<float> tail = Vector128.Load(dst + last) + Vector128.Load(src + last);
            for (; i < last; i += Vector128<float>.Count)
            {
                (Vector128.Load(dst + i) + Vector128.Load(src + i)).Store(dst + i);
            }

            tail.Store(dst + last);
            return;
        }

        for (; i < n; i++)
        {
            dst[i] += src[i];
        }
    }

    /// <summary>dst (N) = src (N); returns the sum of src.</summary>
    private static float CopySum(float* src, float* dst, int n, int width)
    {
        int i = 0;
        float total = 0f;
        if (width >= 512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.Load(src + i);
                v.Store(dst + i);
                acc += v;
            }

            total += Vector512.Sum(acc);
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.Load(src + i);
                v.Store(dst + i);
                acc += v;
            }

            total += Vector256.Sum(acc);
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> v = Vector128.Load(src + i);
                v.Store(dst + i);
                acc += v;
            }

            total += Vector128.Sum(acc);
        }

        for (; i < n; i++)
        {
            total += dst[i] = src[i];
        }

        return total;
    }

    /// <summary>The sum of src (N).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(float* src, int n, int width)
    {
        int i = 0;
        float total = 0f;
        if (width >= 512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                acc += Vector512.Load(src + i);
            }

            total += Vector512.Sum(acc);
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                acc += Vector256.Load(src + i);
            }

            total += Vector256.Sum(acc);
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                acc += Vector128.Load(src + i);
            }

            total += Vector128.Sum(acc);
        }

        for (; i < n; i++)
        {
            total += src[i];
        }

        return total;
    }
}
