using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Layer normalisation over the last axis of (R, F): the row statistics one thread per row, accumulated in double like
/// the CPU kernels; the parameter gradients one thread per feature, walking its column down the rows (neighbouring
/// threads read neighbouring addresses), so neither needs atomics and both sum in a fixed order.
/// </summary>
internal sealed class LayerNormGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>? _forward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _rows;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? _parameters;

    /// <summary>x, y (R, F), gamma, beta (F), savedMean, savedInvStd (R): the forward pass.</summary>
    public void Forward(ArrayView<float> x, ArrayView<float> y, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> savedMean,
        ArrayView<float> savedInvStd, int rows, int features, float epsilon)
    {
        if (rows == 0)
        {
            return;
        }

        _forward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, int, float>(LayerNormForwardKernel);
        _forward(rows, x, y, gamma, beta, savedMean, savedInvStd, features, epsilon);
    }

    /// <summary>
    /// x, dy, dx (R, F), gamma, dGamma, dBeta (F), savedMean, savedInvStd (R): the backward pass. The parameter
    /// gradients run first, so that dx may be the same view as dy.
    /// </summary>
    public void Backward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> gamma, ArrayView<float> dGamma,
        ArrayView<float> dBeta, ArrayView<float> savedMean, ArrayView<float> savedInvStd, int rows, int features)
    {
        if (rows == 0 || features == 0)
        {
            return;
        }

        _parameters ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, int, int>(LayerNormParameterBackwardKernel);
        _rows ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, int>(LayerNormBackwardKernel);
        _parameters(features, x, dy, dGamma, dBeta, savedMean, savedInvStd, rows, features);
        _rows(rows, x, dy, dx, gamma, savedMean, savedInvStd, features);
    }

    /// <summary>
    /// x, y (R, F), gamma, beta (F), savedMean, savedInvStd (R), one row per thread: mean and biased variance of the row
    /// in double (two passes), y = gamma (x - mean) invStd + beta with invStd = 1 / sqrt(var + eps). y may be x: each
    /// element is read before the same element is written.
    /// </summary>
    internal static void LayerNormForwardKernel(Index1D r, ArrayView<float> x, ArrayView<float> y, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> savedMean, ArrayView<float> savedInvStd, int features, float epsilon)
    {
        long row = (long)r.X * features;
        double sum = 0;
        for (int f = 0; f < features; f++)
        {
            sum += x[row + f];
        }

        double meanD = features == 0 ? 0 : sum / features, sq = 0;
        for (int f = 0; f < features; f++)
        {
            double d = x[row + f] - meanD;
            sq += d * d;
        }

        double varD = features == 0 ? 0 : sq / features;
        float mean = (float)meanD, invStd = (float)(1.0 / Math.Sqrt(varD + epsilon));
        savedMean[r] = mean;
        savedInvStd[r] = invStd;
        for (int f = 0; f < features; f++)
        {
            y[row + f] = (gamma[f] * ((x[row + f] - mean) * invStd)) + beta[f];
        }
    }

    /// <summary>
    /// x, dy, dx (R, F), gamma (F), savedMean, savedInvStd (R), one row per thread. With xhat = (x - mean) invStd and
    /// g = dy gamma: dx = invStd (g - mean_f(g) - xhat mean_f(g xhat)) (overwrites; dx may be dy, each element of dy is
    /// read before the same element of dx is written). The row means are accumulated in double.
    /// </summary>
    internal static void LayerNormBackwardKernel(Index1D r, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> gamma,
        ArrayView<float> savedMean, ArrayView<float> savedInvStd, int features)
    {
        long row = (long)r.X * features;
        float mean = savedMean[r], invStd = savedInvStd[r];
        double sumG = 0, sumGXhat = 0;
        for (int f = 0; f < features; f++)
        {
            float g = dy[row + f] * gamma[f];
            sumG += g;
            sumGXhat += g * ((x[row + f] - mean) * invStd);
        }

        float meanG = (float)(sumG / features), meanGXhat = (float)(sumGXhat / features);
        for (int f = 0; f < features; f++)
        {
            float xhat = (x[row + f] - mean) * invStd;
            dx[row + f] = invStd * ((dy[row + f] * gamma[f]) - meanG - (xhat * meanGXhat));
        }
    }

    /// <summary>
    /// x, dy (R, F), dGamma, dBeta (F), savedMean, savedInvStd (R), one feature per thread, in row order:
    /// y = gamma xhat + beta gives dGamma += sum_r(dy xhat) and dBeta += sum_r dy.
    /// </summary>
    internal static void LayerNormParameterBackwardKernel(Index1D f, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dGamma,
        ArrayView<float> dBeta, ArrayView<float> savedMean, ArrayView<float> savedInvStd, int rows, int features)
    {
        float sumDy = 0f, sumDyXhat = 0f;
        for (int r = 0; r < rows; r++)
        {
            long at = ((long)r * features) + f;
            float g = dy[at];
            sumDy += g;
            sumDyXhat += g * ((x[at] - savedMean[r]) * savedInvStd[r]);
        }

        dGamma[f] += sumDyXhat;
        dBeta[f] += sumDy;
    }
}
