using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Batch normalisation of feature maps x (B, C, S), per channel over the B * S values of the batch and the
/// positions, with <see cref="BatchNormCpu"/>'s conventions: one pass for the sum and the sum of squares in
/// double, biased variance, running averages with momentum weighting the old value, savedInvStd = 1 / sqrt(var + eps).
/// Each (b, c) run of S values is contiguous, so every pass streams runs with the channel's scalars broadcast.
/// </summary>
internal static unsafe class BatchNorm2DCpu
{
    private static int Width => SimdWidth.Allowed;

    /// <summary>
    /// x, y (B, C, S); gamma, beta, runningMean, runningVar, savedMean, savedInvStd (C): batch mean and biased
    /// variance per channel, y = gamma (x - mean) / sqrt(var + eps) + beta, running averages updated.
    /// </summary>
    public static void Training(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        float* savedMean, float* savedInvStd, int batch, int channels, int spatial, float momentum, float epsilon)
    {
        long count = (long)batch * spatial;
        if (count == 0)
        {
            return;
        }

        int width = Width;
        double invCount = 1.0 / count;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            for (int b = 0; b < batch; b++)
            {
                AddWidened(x + ((((long)b * channels) + c) * spatial), spatial, ref sum, ref squares, width);
            }

            double meanD = sum * invCount, varD = Math.Max(0.0, (squares * invCount) - (meanD * meanD));
            float mean = (float)meanD, invStd = (float)(1.0 / Math.Sqrt(varD + epsilon));
            savedMean[c] = mean;
            savedInvStd[c] = invStd;
            runningMean[c] = (momentum * runningMean[c]) + ((1f - momentum) * mean);
            runningVar[c] = (momentum * runningVar[c]) + ((1f - momentum) * (float)varD);
            float scale = gamma[c] * invStd;
            for (int b = 0; b < batch; b++)
            {
                long at = (((long)b * channels) + c) * spatial;
                Normalize(x + at, y + at, spatial, mean, scale, beta[c], width);
            }
        }
    }

    /// <summary>x, y (B, C, S); parameters (C): y = (x - runningMean) * (gamma / sqrt(runningVar + eps)) + beta.</summary>
    public static void Inference(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        int batch, int channels, int spatial, float epsilon)
    {
        int width = Width;
        for (int c = 0; c < channels; c++)
        {
            float scale = gamma[c] / MathF.Sqrt(runningVar[c] + epsilon);
            for (int b = 0; b < batch; b++)
            {
                long at = (((long)b * channels) + c) * spatial;
                Normalize(x + at, y + at, spatial, runningMean[c], scale, beta[c], width);
            }
        }
    }

    /// <summary>
    /// x, dy, dx (B, C, S); gamma, dGamma, dBeta, savedMean, savedInvStd (C). With N = B * S and
    /// xhat = (x - mean) invStd: dx = gamma invStd / N (N dy - sum dy - xhat sum(dy xhat)) (overwrites; dx may be dy),
    /// dGamma += sum(dy xhat), dBeta += sum dy. Each run sums in float vectors; runs add up in double.
    /// </summary>
    public static void Backward(float* x, float* dy, float* dx, float* gamma, float* dGamma, float* dBeta,
        float* savedMean, float* savedInvStd, int batch, int channels, int spatial)
    {
        long count = (long)batch * spatial;
        if (count == 0)
        {
            return;
        }

        int width = Width;
        float countF = count;
        for (int c = 0; c < channels; c++)
        {
            float mean = savedMean[c], invStd = savedInvStd[c];
            double sumDy = 0, sumDyXhat = 0;
            for (int b = 0; b < batch; b++)
            {
                long at = (((long)b * channels) + c) * spatial;
                AccumulateGradient(x + at, dy + at, spatial, mean, invStd, ref sumDy, ref sumDyXhat, width);
            }

            float sDy = (float)sumDy, sDyXhat = (float)sumDyXhat, k = gamma[c] * invStd / countF;
            for (int b = 0; b < batch; b++)
            {
                long at = (((long)b * channels) + c) * spatial;
                InputGradient(x + at, dy + at, dx + at, spatial, mean, invStd, k, sDy, sDyXhat, countF, width);
            }

            dGamma[c] += sDyXhat;
            dBeta[c] += sDy;
        }
    }

    /// <summary>Run x (S): sum += sum of x, squares += sum of x^2, in double.</summary>
    private static void AddWidened(float* x, int n, ref double sum, ref double squares, int width)
    {
        int i = 0;
        if (width >= 512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<double> s = Vector512<double>.Zero, q = Vector512<double>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(Vector512.Load(x + i));
                s += lo + hi;
                q += (lo * lo) + (hi * hi);
            }

            sum += Vector512.Sum(s);
            squares += Vector512.Sum(q);
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<double> s = Vector256<double>.Zero, q = Vector256<double>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.Load(x + i));
                s += lo + hi;
                q += (lo * lo) + (hi * hi);
            }

            sum += Vector256.Sum(s);
            squares += Vector256.Sum(q);
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<double> s = Vector128<double>.Zero, q = Vector128<double>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(Vector128.Load(x + i));
                s += lo + hi;
                q += (lo * lo) + (hi * hi);
            }

            sum += Vector128.Sum(s);
            squares += Vector128.Sum(q);
        }

        for (; i < n; i++)
        {
            double v = x[i];
            sum += v;
            squares += v * v;
        }
    }

    /// <summary>Run x, y (S): y = ((x - mean) * scale) + shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Normalize(float* x, float* y, int n, float mean, float scale, float shift, int width)
    {
        int i = 0;
        if (width >= 512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> m = Vector512.Create(mean), k = Vector512.Create(scale), h = Vector512.Create(shift);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                (((Vector512.Load(x + i) - m) * k) + h).Store(y + i);
            }
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<float> m = Vector256.Create(mean), k = Vector256.Create(scale), h = Vector256.Create(shift);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (((Vector256.Load(x + i) - m) * k) + h).Store(y + i);
            }
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<float> m = Vector128.Create(mean), k = Vector128.Create(scale), h = Vector128.Create(shift);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                (((Vector128.Load(x + i) - m) * k) + h).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] = ((x[i] - mean) * scale) + shift;
        }
    }

    /// <summary>Run x, dy (S): sumDy += sum of dy, sumDyXhat += sum of dy (x - mean) invStd (float within the run).</summary>
    private static void AccumulateGradient(float* x, float* dy, int n, float mean, float invStd, ref double sumDy, ref double sumDyXhat, int width)
    {
        int i = 0;
        float s = 0f, t = 0f;
        if (width >= 512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> m = Vector512.Create(mean), k = Vector512.Create(invStd), vs = Vector512<float>.Zero, vt = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> g = Vector512.Load(dy + i);
                vs += g;
                vt += g * ((Vector512.Load(x + i) - m) * k);
            }

            s += Vector512.Sum(vs);
            t += Vector512.Sum(vt);
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<float> m = Vector256.Create(mean), k = Vector256.Create(invStd), vs = Vector256<float>.Zero, vt = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> g = Vector256.Load(dy + i);
                vs += g;
                vt += g * ((Vector256.Load(x + i) - m) * k);
            }

            s += Vector256.Sum(vs);
            t += Vector256.Sum(vt);
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<float> m = Vector128.Create(mean), k = Vector128.Create(invStd), vs = Vector128<float>.Zero, vt = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> g = Vector128.Load(dy + i);
                vs += g;
                vt += g * ((Vector128.Load(x + i) - m) * k);
            }

            s += Vector128.Sum(vs);
            t += Vector128.Sum(vt);
        }

        for (; i < n; i++)
        {
            float g = dy[i];
            s += g;
            t += g * ((x[i] - mean) * invStd);
        }

        sumDy += s;
        sumDyXhat += t;
    }

    /// <summary>Run x, dy, dx (S): dx = k ((N dy) - sumDy - (xhat sumDyXhat)); each dy is read before its dx is written.</summary>
    private static void InputGradient(float* x, float* dy, float* dx, int n, float mean, float invStd, float k, float sumDy, float sumDyXhat,
        float count, int width)
    {
        int i = 0;
        if (width >= 512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> m = Vector512.Create(mean), r = Vector512.Create(invStd), vk = Vector512.Create(k);
            Vector512<float> s = Vector512.Create(sumDy), t = Vector512.Create(sumDyXhat), vn = Vector512.Create(count);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> xhat = (Vector512.Load(x + i) - m) * r;
                (vk * ((vn * Vector512.Load(dy + i)) - s - (xhat * t))).Store(dx + i);
            }
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<float> m = Vector256.Create(mean), r = Vector256.Create(invStd), vk = Vector256.Create(k);
            Vector256<float> s = Vector256.Create(sumDy), t = Vector256.Create(sumDyXhat), vn = Vector256.Create(count);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> xhat = (Vector256.Load(x + i) - m) * r;
                (vk * ((vn * Vector256.Load(dy + i)) - s - (xhat * t))).Store(dx + i);
            }
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<float> m = Vector128.Create(mean), r = Vector128.Create(invStd), vk = Vector128.Create(k);
            Vector128<float> s = Vector128.Create(sumDy), t = Vector128.Create(sumDyXhat), vn = Vector128.Create(count);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> xhat = (Vector128.Load(x + i) - m) * r;
                (vk * ((vn * Vector128.Load(dy + i)) - s - (xhat * t))).Store(dx + i);
            }
        }

        for (; i < n; i++)
        {
            float xhat = (x[i] - mean) * invStd;
            dx[i] = k * ((count * dy[i]) - sumDy - (xhat * sumDyXhat));
        }
    }
}
