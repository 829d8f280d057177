using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Batch normalisation over (B, F). Each kernel walks the features in chunks of eight columns, keeping the
/// chunk's statistics in registers while it runs down the batch, so no per-feature scratch is needed;
/// leftover columns take the same steps one at a time. Statistics accumulate in double.
/// </summary>
internal static class BatchNormCpu
{
    private const int Chunk = 8;

    /// <summary>
    /// x, y (B, F); gamma, beta, runningMean, runningVar, savedMean, savedInvStd (F):
    /// batch mean and biased variance, y = gamma (x - mean) / sqrt(var + eps) + beta, running averages
    /// with momentum weighting the old value.
    /// </summary>
    public static void Training(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, Span<float> savedMean, Span<float> savedInvStd,
        int batch, int features, float momentum, float epsilon)
    {
        if (batch == 0)
        {
            return;
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        double invBatch = 1.0 / batch;
        int f = 0;
        for (; f <= features - Chunk; f += Chunk)
        {
            Vector256<double> sumLo = default, sumHi = default;
            for (int b = 0; b < batch; b++)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)((b * features) + f)));
                sumLo += lo;
                sumHi += hi;
            }

            Vector256<double> meanLo = sumLo * invBatch, meanHi = sumHi * invBatch;
            Vector256<double> sqLo = default, sqHi = default;
            for (int b = 0; b < batch; b++)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)((b * features) + f)));
                lo -= meanLo;
                hi -= meanHi;
                sqLo += lo * lo;
                sqHi += hi * hi;
            }

            Vector256<double> varLo = sqLo * invBatch, varHi = sqHi * invBatch;
            Vector256<float> mean = Vector256.Narrow(meanLo, meanHi);
            Vector256<float> variance = Vector256.Narrow(varLo, varHi);
            Vector256<float> invStd = Vector256.Narrow(
                Vector256<double>.One / Vector256.Sqrt(varLo + Vector256.Create((double)epsilon)),
                Vector256<double>.One / Vector256.Sqrt(varHi + Vector256.Create((double)epsilon)));
            mean.StoreUnsafe(ref MemoryMarshal.GetReference(savedMean), (nuint)f);
            invStd.StoreUnsafe(ref MemoryMarshal.GetReference(savedInvStd), (nuint)f);
            UpdateRunning(runningMean.Slice(f, Chunk), mean, momentum);
            UpdateRunning(runningVar.Slice(f, Chunk), variance, momentum);

            Vector256<float> scale = Vector256.Create(gamma.Slice(f, Chunk)) * invStd;
            Vector256<float> shift = Vector256.Create(beta.Slice(f, Chunk));
            for (int b = 0; b < batch; b++)
            {
                nuint at = (nuint)((b * features) + f);
                (((Vector256.LoadUnsafe(ref xr, at) - mean) * scale) + shift).StoreUnsafe(ref yr, at);
            }
        }

        for (; f < features; f++)
        {
            double sum = 0;
            for (int b = 0; b < batch; b++)
            {
                sum += x[(b * features) + f];
            }

            double meanD = sum * invBatch, sq = 0;
            for (int b = 0; b < batch; b++)
            {
                double d = x[(b * features) + f] - meanD;
                sq += d * d;
            }

            double varD = sq * invBatch;
            float mean = (float)meanD, invStd = (float)(1.0 / Math.Sqrt(varD + epsilon));
            savedMean[f] = mean;
            savedInvStd[f] = invStd;
            runningMean[f] = (momentum * runningMean[f]) + ((1f - momentum) * mean);
            runningVar[f] = (momentum * runningVar[f]) + ((1f - momentum) * (float)varD);
            float scale = gamma[f] * invStd;
            for (int b = 0; b < batch; b++)
            {
                int at = (b * features) + f;
                y[at] = ((x[at] - mean) * scale) + beta[f];
            }
        }
    }

    /// <summary>x, y (B, F); parameters (F): y = gamma (x - runningMean) / sqrt(runningVar + eps) + beta.</summary>
    public static void Inference(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, int batch, int features, float epsilon)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int f = 0;
        for (; f <= features - Chunk; f += Chunk)
        {
            Vector256<float> mean = Vector256.Create(runningMean.Slice(f, Chunk));
            Vector256<float> scale = Vector256.Create(gamma.Slice(f, Chunk))
                / Vector256.Sqrt(Vector256.Create(runningVar.Slice(f, Chunk)) + Vector256.Create(epsilon));
            Vector256<float> shift = Vector256.Create(beta.Slice(f, Chunk));
            for (int b = 0; b < batch; b++)
            {
                nuint at = (nuint)((b * features) + f);
                (((Vector256.LoadUnsafe(ref xr, at) - mean) * scale) + shift).StoreUnsafe(ref yr, at);
            }
        }

        for (; f < features; f++)
        {
            float scale = gamma[f] / MathF.Sqrt(runningVar[f] + epsilon);
            for (int b = 0; b < batch; b++)
            {
                int at = (b * features) + f;
                y[at] = ((x[at] - runningMean[f]) * scale) + beta[f];
            }
        }
    }

    /// <summary>
    /// x, dy, dx (B, F); gamma, dGamma, dBeta, savedMean, savedInvStd (F). With xhat = (x - mean) invStd:
    /// dx = gamma invStd / B (B dy - sum_b dy - xhat sum_b(dy xhat)); dGamma += sum_b(dy xhat); dBeta += sum_b dy.
    /// dx may be dy: each element of dy is read before the same element of dx is written.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> gamma,
        Span<float> dGamma, Span<float> dBeta, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, int batch, int features)
    {
        if (batch == 0)
        {
            return;
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        float batchF = batch;
        int f = 0;
        for (; f <= features - Chunk; f += Chunk)
        {
            Vector256<float> mean = Vector256.Create(savedMean.Slice(f, Chunk));
            Vector256<float> invStd = Vector256.Create(savedInvStd.Slice(f, Chunk));
            Vector256<float> sumDy = default, sumDyXhat = default;
            for (int b = 0; b < batch; b++)
            {
                nuint at = (nuint)((b * features) + f);
                Vector256<float> g = Vector256.LoadUnsafe(ref dyr, at);
                sumDy += g;
                sumDyXhat += g * ((Vector256.LoadUnsafe(ref xr, at) - mean) * invStd);
            }

            Vector256<float> k = Vector256.Create(gamma.Slice(f, Chunk)) * invStd / Vector256.Create(batchF);
            Vector256<float> vb = Vector256.Create(batchF);
            for (int b = 0; b < batch; b++)
            {
                nuint at = (nuint)((b * features) + f);
                Vector256<float> xhat = (Vector256.LoadUnsafe(ref xr, at) - mean) * invStd;
                Vector256<float> g = Vector256.LoadUnsafe(ref dyr, at);
                (k * ((vb * g) - sumDy - (xhat * sumDyXhat))).StoreUnsafe(ref dxr, at);
            }

            (Vector256.Create(dGamma.Slice(f, Chunk)) + sumDyXhat).CopyTo(dGamma.Slice(f, Chunk));
            (Vector256.Create(dBeta.Slice(f, Chunk)) + sumDy).CopyTo(dBeta.Slice(f, Chunk));
        }

        for (; f < features; f++)
        {
            float mean = savedMean[f], invStd = savedInvStd[f], sumDy = 0f, sumDyXhat = 0f;
            for (int b = 0; b < batch; b++)
            {
                int at = (b * features) + f;
                sumDy += dy[at];
                sumDyXhat += dy[at] * ((x[at] - mean) * invStd);
            }

            float k = gamma[f] * invStd / batchF;
            for (int b = 0; b < batch; b++)
            {
                int at = (b * features) + f;
                float xhat = (x[at] - mean) * invStd;
                dx[at] = k * ((batchF * dy[at]) - sumDy - (xhat * sumDyXhat));
            }

            dGamma[f] += sumDyXhat;
            dBeta[f] += sumDy;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateRunning(Span<float> running, Vector256<float> batchValue, float momentum)
    {
        Vector256<float> updated = (Vector256.Create(momentum) * Vector256.Create(running))
            + (Vector256.Create(1f - momentum) * batchValue);
        updated.CopyTo(running);
    }
}
