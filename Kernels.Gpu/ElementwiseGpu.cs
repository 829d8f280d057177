using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Element-wise work over whole tensors: GELU forward and backward, y = alpha a + beta b, and the product a b, one
/// element per thread. Each thread reads its own elements before it writes its own, so outputs may alias inputs.
/// </summary>
internal sealed class ElementwiseGpu(Accelerator accelerator)
{
    /// <summary>1 / sqrt(2).</summary>
    private const float InvSqrt2 = 0.707106781186547524f;

    /// <summary>1 / sqrt(2 pi), the standard normal density at 0.</summary>
    private const float InvSqrt2Pi = 0.398942280401432678f;

    private Action<Index1D, ArrayView<float>, ArrayView<float>>? _gelu;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>? _geluBackward;
    private Action<Index1D, float, ArrayView<float>, float, ArrayView<float>, ArrayView<float>>? _axpby;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _multiply;

    /// <summary>x, y (N): y = GELU(x).</summary>
    public void Gelu(ArrayView<float> x, ArrayView<float> y)
    {
        if (y.Length == 0)
        {
            return;
        }

        _gelu ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(GeluForwardKernel);
        _gelu((int)y.Length, x, y);
    }

    /// <summary>x, dy, dx (N): dx = dy GELU'(x).</summary>
    public void GeluBackward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx)
    {
        if (dx.Length == 0)
        {
            return;
        }

        _geluBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(GeluBackwardKernel);
        _geluBackward((int)dx.Length, x, dy, dx);
    }

    /// <summary>a, b, y (N): y = alpha a + beta b; with beta = 0, b is never read (<paramref name="b"/> may then be any view).</summary>
    public void Axpby(float alpha, ArrayView<float> a, float beta, ArrayView<float> b, ArrayView<float> y)
    {
        if (y.Length == 0)
        {
            return;
        }

        _axpby ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, float, ArrayView<float>, float, ArrayView<float>, ArrayView<float>>(AxpbyKernel);
        _axpby((int)y.Length, alpha, a, beta, beta == 0f ? a : b, y);
    }

    /// <summary>a, b, y (N): y = a b, or y += a b when <paramref name="accumulate"/>.</summary>
    public void Multiply(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, bool accumulate)
    {
        if (y.Length == 0)
        {
            return;
        }

        _multiply ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(MultiplyKernel);
        _multiply((int)y.Length, a, b, y, accumulate ? 1 : 0);
    }

    /// <summary>x, y (N): y = x Phi(x) = x 0.5 (1 + erf(x / sqrt 2)), the exact GELU.</summary>
    internal static void GeluForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y)
    {
        float v = x[i];
        y[i] = v * Phi(v, out _);
    }

    /// <summary>
    /// x, dy, dx (N): y = x Phi(x) gives dx = dy (Phi(x) + x phi(x)), with Phi the standard normal distribution
    /// function and phi = exp(-x^2 / 2) / sqrt(2 pi) its density.
    /// </summary>
    internal static void GeluBackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx)
    {
        float v = x[i];
        float cdf = Phi(v, out float gauss);
        dx[i] = dy[i] * ((v * InvSqrt2Pi * gauss) + cdf);
    }

    /// <summary>a, b, y (N): y = alpha a + beta b, or alpha a when beta is 0 (b unread).</summary>
    internal static void AxpbyKernel(Index1D i, float alpha, ArrayView<float> a, float beta, ArrayView<float> b, ArrayView<float> y) =>
        y[i] = beta == 0f ? alpha * a[i] : (alpha * a[i]) + (beta * b[i]);

    /// <summary>a, b, y (N): y = a b, or y += a b when <paramref name="accumulate"/> is 1.</summary>
    internal static void MultiplyKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int accumulate) =>
        y[i] = accumulate != 0 ? y[i] + (a[i] * b[i]) : a[i] * b[i];

    /// <summary>
    /// Phi(x), the standard normal distribution function, and <paramref name="gauss"/> = exp(-x^2 / 2) (phi without its
    /// constant), in scalar form: Cephes' single-precision erf and erfc as GeluCpu.Phi uses them. With t = |x| / sqrt 2, Cephes' single-precision
    /// (S. L. Moshier), erf(t) = t T(t^2) below 1, and erfc(t) = exp(-t^2) P(1/t^2) / t on [1, 2), exp(-t^2) R(1/t^2) / t
    /// from 2 on (within about 1e-7 absolutely); the negative side takes 0.5 erfc(t) directly, so a small Phi keeps its
    /// relative digits instead of cancelling in 1 - erf. NaN for NaN; 0 and 1 at the infinities.
    /// </summary>
    internal static float Phi(float x, out float gauss)
    {
        bool negative = x < 0f;
        float t = (negative ? -x : x) * InvSqrt2;
        float z = t * t;
        gauss = MathF.Exp(-z);

        // erf(t) = t T(t^2) for t < 1.
        float p = (7.853861353153693e-5f * z) - 8.010193625184903e-4f;
        p = (p * z) + 5.188327685732524e-3f;
        p = (p * z) - 2.685381193529856e-2f;
        p = (p * z) + 1.128358514861418e-1f;
        p = (p * z) - 3.761262582423300e-1f;
        p = (p * z) + 1.128379165726710f;
        float halfErf = 0.5f * (t * p);
        bool small = t < 1f;
        if (small)
        {
            return negative ? 0.5f - halfErf : 0.5f + halfErf;
        }

        // erfc(t) = exp(-t^2) q P(q^2) on [1, 2) and exp(-t^2) q R(q^2) from 2 on, q = 1 / t.
        float q = 1f / t, q2 = q * q;
        float series;
        if (t < 2f)
        {
            series = (2.326819970068386e-2f * q2) - 1.387039388740657e-1f;
            series = (series * q2) + 3.687424674597105e-1f;
            series = (series * q2) - 5.824733027278666e-1f;
            series = (series * q2) + 6.210004621745983e-1f;
            series = (series * q2) - 4.944515323274145e-1f;
            series = (series * q2) + 3.404879937665872e-1f;
            series = (series * q2) - 2.741127028184656e-1f;
            series = (series * q2) + 5.638259427386472e-1f;
        }
        else
        {
            series = (-1.047766399936249e1f * q2) + 1.297719955372516e1f;
            series = (series * q2) - 7.495518717768503f;
            series = (series * q2) + 2.921019019210786f;
            series = (series * q2) - 1.015265279202700f;
            series = (series * q2) + 4.218463358204948e-1f;
            series = (series * q2) - 2.820767439740514e-1f;
            series = (series * q2) + 5.641895067754075e-1f;
        }

        float erfc = q * series;

        // Phi(x) = 0.5 (1 + erf(t)) = 1 - 0.5 erfc(t) for x >= 0, 0.5 erfc(t) for x < 0.
        float halfErfc = 0.5f * gauss * erfc;
        return negative ? halfErfc : 1f - halfErfc;
    }
}
