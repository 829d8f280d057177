using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Batch normalisation over (B, F). Training and backward stream whole rows (blocks of up to 512 features)
/// with per-feature accumulators on the stack.
/// Each feature sums its rows in batch order; training statistics (sum and sum of squares, one pass) accumulate in double.
/// </summary>
internal static class BatchNormCpu
{
    /// <summary>Features per block of the streaming kernels: their per-feature accumulators fit the stack (8 KB).</summary>
    private const int BlockWidth = 512;

    /// <summary>
    /// x, y (B, F); gamma, beta, runningMean, runningVar, savedMean, savedInvStd (F):
    /// batch mean and biased variance, y = gamma (x - mean) / sqrt(var + eps) + beta, running averages
    /// with momentum weighting the old value. Rows are streamed whole (contiguous, prefetch-friendly) with
    /// per-feature accumulators on the stack; each feature still sums its rows in batch order, in double.
    /// </summary>
    public static void Training(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, Span<float> savedMean, Span<float> savedInvStd,
        int batch, int features, float momentum, float epsilon)
    {
        if (batch == 0)
        {
            return;
        }

        double invBatch = 1.0 / batch;
        Span<double> sum = stackalloc double[BlockWidth];
        Span<double> squares = stackalloc double[BlockWidth];
        Span<float> scale = stackalloc float[BlockWidth];
        for (int f0 = 0; f0 < features; f0 += BlockWidth)
        {
            int width = Math.Min(BlockWidth, features - f0);
            Span<double> s = sum[..width], sq = squares[..width];
            s.Clear();
            sq.Clear();
            // One pass for the sum and the sum of squares: in double, E[x^2] - mean^2 loses nothing that matters
            // for float inputs, and it saves a pass over the batch.
            for (int b = 0; b < batch; b++)
            {
                AddWidened(x.Slice((b * features) + f0, width), s, sq);
            }

            for (int j = 0; j < width; j++)
            {
                int f = f0 + j;
                double meanD = s[j] * invBatch, varD = Math.Max(0.0, (sq[j] * invBatch) - (meanD * meanD));
                float mean = (float)meanD, invStd = (float)(1.0 / Math.Sqrt(varD + epsilon));
                savedMean[f] = mean;
                savedInvStd[f] = invStd;
                runningMean[f] = (momentum * runningMean[f]) + ((1f - momentum) * mean);
                runningVar[f] = (momentum * runningVar[f]) + ((1f - momentum) * (float)varD);
                scale[j] = gamma[f] * invStd;
            }

            ReadOnlySpan<float> meanF = savedMean.Slice(f0, width), scaleF = scale[..width], shift = beta.Slice(f0, width);
            for (int b = 0; b < batch; b++)
            {
                int at = (b * features) + f0;
                Normalize(x.Slice(at, width), y.Slice(at, width), meanF, scaleF, shift);
            }
        }
    }

    /// <summary>
    /// x, y (B, F); parameters (F): y = gamma (x - runningMean) / sqrt(runningVar + eps) + beta, as
    /// ((x - runningMean) * scale) + beta with scale = gamma / sqrt(runningVar + eps) worked out once per call.
    /// Rows are streamed whole.
    /// </summary>
    public static void Inference(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, int batch, int features, float epsilon)
    {
        if (batch == 1)
        {
            // Batch-1 inference: the scale is used once, so it is worked out in registers (the same operations in
            // the same order as below, so the same bits) rather than stored for the rows.
            NormalizeOne(x[..features], y[..features], gamma, beta, runningMean, runningVar, epsilon);
            return;
        }

        Span<float> scale = stackalloc float[BlockWidth];
        for (int f0 = 0; f0 < features; f0 += BlockWidth)
        {
            int width = Math.Min(BlockWidth, features - f0);
            Span<float> sc = scale[..width];
            ReadOnlySpan<float> g = gamma.Slice(f0, width), v = runningVar.Slice(f0, width);
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j <= width - 16; j += 16)
                {
                    (Vector512.Create(g.Slice(j, 16)) / Vector512.Sqrt(Vector512.Create(v.Slice(j, 16)) + Vector512.Create(epsilon))).CopyTo(sc.Slice(j, 16));
                }
            }

            for (; j < width; j++)
            {
                sc[j] = g[j] / MathF.Sqrt(v[j] + epsilon);
            }

            ReadOnlySpan<float> mean = runningMean.Slice(f0, width), shift = beta.Slice(f0, width);
            for (int b = 0; b < batch; b++)
            {
                int at = (b * features) + f0;
                Normalize(x.Slice(at, width), y.Slice(at, width), mean, sc, shift);
            }
        }
    }

    /// <summary>
    /// x, dy, dx (B, F); gamma, dGamma, dBeta, savedMean, savedInvStd (F). With xhat = (x - mean) invStd:
    /// dx = gamma invStd / B (B dy - sum_b dy - xhat sum_b(dy xhat)); dGamma += sum_b(dy xhat); dBeta += sum_b dy.
    /// dx may be dy: each element of dy is read before the same element of dx is written. Rows are streamed
    /// whole with per-feature float accumulators on the stack, summed in batch order.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> gamma,
        Span<float> dGamma, Span<float> dBeta, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, int batch, int features)
    {
        if (batch == 0)
        {
            return;
        }

        float batchF = batch;
        Span<float> sumDy = stackalloc float[BlockWidth];
        Span<float> sumDyXhat = stackalloc float[BlockWidth];
        Span<float> factor = stackalloc float[BlockWidth];
        for (int f0 = 0; f0 < features; f0 += BlockWidth)
        {
            int width = Math.Min(BlockWidth, features - f0);
            Span<float> sDy = sumDy[..width], sDyXhat = sumDyXhat[..width], k = factor[..width];
            ReadOnlySpan<float> mean = savedMean.Slice(f0, width), invStd = savedInvStd.Slice(f0, width);
            sDy.Clear();
            sDyXhat.Clear();
            for (int b = 0; b < batch; b++)
            {
                int at = (b * features) + f0;
                AccumulateGradient(x.Slice(at, width), dy.Slice(at, width), mean, invStd, sDy, sDyXhat);
            }

            for (int j = 0; j < width; j++)
            {
                k[j] = gamma[f0 + j] * invStd[j] / batchF;
            }

            for (int b = 0; b < batch; b++)
            {
                int at = (b * features) + f0;
                InputGradient(x.Slice(at, width), dy.Slice(at, width), dx.Slice(at, width), mean, invStd, k, sDy, sDyXhat, batchF);
            }

            for (int j = 0; j < width; j++)
            {
                dGamma[f0 + j] += sDyXhat[j];
                dBeta[f0 + j] += sDy[j];
            }
        }
    }

    /// <summary>Row x (W) into double sums (W): sum[j] += x[j], squares[j] += x[j]^2.</summary>
    private static void AddWidened(ReadOnlySpan<float> x, Span<double> sum, Span<double> squares)
    {
        int n = x.Length, j = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref double sr = ref MemoryMarshal.GetReference(sum);
        ref double qr = ref MemoryMarshal.GetReference(squares);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= n - 16; j += 16)
            {
                (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)j));
                (Vector512.LoadUnsafe(ref sr, (nuint)j) + lo).StoreUnsafe(ref sr, (nuint)j);
                (Vector512.LoadUnsafe(ref sr, (nuint)(j + 8)) + hi).StoreUnsafe(ref sr, (nuint)(j + 8));
                (Vector512.LoadUnsafe(ref qr, (nuint)j) + (lo * lo)).StoreUnsafe(ref qr, (nuint)j);
                (Vector512.LoadUnsafe(ref qr, (nuint)(j + 8)) + (hi * hi)).StoreUnsafe(ref qr, (nuint)(j + 8));
            }
        }

        for (; j < n; j++)
        {
            double v = Unsafe.Add(ref xr, j);
            Unsafe.Add(ref sr, j) += v;
            Unsafe.Add(ref qr, j) += v * v;
        }
    }

    /// <summary>Row x, y (W): y = ((x - mean) * scale) + shift.</summary>
    private static void Normalize(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> mean, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        int n = x.Length, j = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float mr = ref MemoryMarshal.GetReference(mean);
        ref float cr = ref MemoryMarshal.GetReference(scale);
        ref float hr = ref MemoryMarshal.GetReference(shift);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= n - 16; j += 16)
            {
                nuint at = (nuint)j;
                (((Vector512.LoadUnsafe(ref xr, at) - Vector512.LoadUnsafe(ref mr, at)) * Vector512.LoadUnsafe(ref cr, at)) + Vector512.LoadUnsafe(ref hr, at)).StoreUnsafe(ref yr, at);
            }
        }

        for (; j < n; j++)
        {
            Unsafe.Add(ref yr, j) = ((Unsafe.Add(ref xr, j) - Unsafe.Add(ref mr, j)) * Unsafe.Add(ref cr, j)) + Unsafe.Add(ref hr, j);
        }
    }

    /// <summary>x, y, gamma, beta, mean, var (F): y = (x - mean) * (gamma / sqrt(var + epsilon)) + beta.</summary>
    private static void NormalizeOne(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, float epsilon)
    {
        int n = x.Length, j = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float mr = ref MemoryMarshal.GetReference(mean);
        ref float vr = ref MemoryMarshal.GetReference(variance);
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> eps = Vector512.Create(epsilon);
            for (; j <= n - 16; j += 16)
            {
                nuint at = (nuint)j;
                Vector512<float> scale = Vector512.LoadUnsafe(ref gr, at) / Vector512.Sqrt(Vector512.LoadUnsafe(ref vr, at) + eps);
                (((Vector512.LoadUnsafe(ref xr, at) - Vector512.LoadUnsafe(ref mr, at)) * scale) + Vector512.LoadUnsafe(ref br, at)).StoreUnsafe(ref yr, at);
            }
        }

        for (; j < n; j++)
        {
            float scale = Unsafe.Add(ref gr, j) / MathF.Sqrt(Unsafe.Add(ref vr, j) + epsilon);
            Unsafe.Add(ref yr, j) = ((Unsafe.Add(ref xr, j) - Unsafe.Add(ref mr, j)) * scale) + Unsafe.Add(ref br, j);
        }
    }

    /// <summary>Row x, dy (W): sumDy += dy; sumDyXhat += dy * ((x - mean) * invStd).</summary>
    private static void AccumulateGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd,
        Span<float> sumDy, Span<float> sumDyXhat)
    {
        int n = x.Length, j = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float mr = ref MemoryMarshal.GetReference(mean);
        ref float ir = ref MemoryMarshal.GetReference(invStd);
        ref float sr = ref MemoryMarshal.GetReference(sumDy);
        ref float tr = ref MemoryMarshal.GetReference(sumDyXhat);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= n - 16; j += 16)
            {
                nuint at = (nuint)j;
                Vector512<float> g = Vector512.LoadUnsafe(ref gr, at);
                (Vector512.LoadUnsafe(ref sr, at) + g).StoreUnsafe(ref sr, at);
                Vector512<float> xhat = (Vector512.LoadUnsafe(ref xr, at) - Vector512.LoadUnsafe(ref mr, at)) * Vector512.LoadUnsafe(ref ir, at);
                (Vector512.LoadUnsafe(ref tr, at) + (g * xhat)).StoreUnsafe(ref tr, at);
            }
        }

        for (; j < n; j++)
        {
            float g = Unsafe.Add(ref gr, j);
            Unsafe.Add(ref sr, j) += g;
            Unsafe.Add(ref tr, j) += g * ((Unsafe.Add(ref xr, j) - Unsafe.Add(ref mr, j)) * Unsafe.Add(ref ir, j));
        }
    }

    /// <summary>Row x, dy, dx (W): dx = k * ((B * dy) - sumDy - (xhat * sumDyXhat)).</summary>
    private static void InputGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd,
        ReadOnlySpan<float> k, ReadOnlySpan<float> sumDy, ReadOnlySpan<float> sumDyXhat, float batch)
    {
        int n = x.Length, j = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float dr = ref MemoryMarshal.GetReference(dx);
        ref float mr = ref MemoryMarshal.GetReference(mean);
        ref float ir = ref MemoryMarshal.GetReference(invStd);
        ref float kr = ref MemoryMarshal.GetReference(k);
        ref float sr = ref MemoryMarshal.GetReference(sumDy);
        ref float tr = ref MemoryMarshal.GetReference(sumDyXhat);
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vb = Vector512.Create(batch);
            for (; j <= n - 16; j += 16)
            {
                nuint at = (nuint)j;
                Vector512<float> xhat = (Vector512.LoadUnsafe(ref xr, at) - Vector512.LoadUnsafe(ref mr, at)) * Vector512.LoadUnsafe(ref ir, at);
                Vector512<float> g = Vector512.LoadUnsafe(ref gr, at);
                (Vector512.LoadUnsafe(ref kr, at) * ((vb * g) - Vector512.LoadUnsafe(ref sr, at) - (xhat * Vector512.LoadUnsafe(ref tr, at)))).StoreUnsafe(ref dr, at);
            }
        }

        for (; j < n; j++)
        {
            float xhat = (Unsafe.Add(ref xr, j) - Unsafe.Add(ref mr, j)) * Unsafe.Add(ref ir, j);
            Unsafe.Add(ref dr, j) = Unsafe.Add(ref kr, j) * ((batch * Unsafe.Add(ref gr, j)) - Unsafe.Add(ref sr, j) - (xhat * Unsafe.Add(ref tr, j)));
        }
    }
}
