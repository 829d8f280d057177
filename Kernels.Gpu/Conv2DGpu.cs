using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// 2-D convolution over channels-first maps by direct summation (no im2col: the patches and rows scratch of
/// the contract are left alone). Forward and the input gradient run one thread per output element, each
/// gathering what it needs, so nothing is written twice and no atomics are needed; the weight and bias
/// gradients run one group per weight (or filter), whose threads stride over the batch and the positions
/// and whose partial sums the first thread adds in thread order, so results do not depend on scheduling.
/// </summary>
internal sealed class Conv2DGpu(Accelerator accelerator)
{
    private readonly int _group = ReductionGroup.For(accelerator.MaxNumThreadsPerGroup);
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape, int>? _forward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape>? _backwardInput;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape, int>? _backwardWeight;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, Conv2DShape, int>? _backwardBias;

    /// <summary>x (B, C, H, W), weight (F, C, KH, KW), bias (F), y (B, F, OH, OW): y = act(conv(x, weight) + bias).</summary>
    public void Forward(ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, Conv2DShape shape, ActivationKind kind)
    {
        if (y.Length == 0)
        {
            return;
        }

        _forward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape, int>(Conv2DForwardKernel);
        _forward((int)y.Length, x, weight, bias, y, shape, (int)kind);
    }

    /// <summary>
    /// x (B, C, H, W), weight (F, C, KH, KW), dy (B, F, OH, OW): dWeight (F, C, KH, KW) and dBias (F) accumulate;
    /// dx (B, C, H, W) is overwritten when it is not empty.
    /// </summary>
    public void Backward(ArrayView<float> x, ArrayView<float> weight, ArrayView<float> dy, ArrayView<float> dWeight, ArrayView<float> dBias,
        ArrayView<float> dx, int batch, Conv2DShape shape)
    {
        if (dx.Length > 0)
        {
            _backwardInput ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape>(Conv2DBackwardInputKernel);
            _backwardInput((int)dx.Length, dy, weight, dx, shape);
        }

        if (dWeight.Length > 0)
        {
            _backwardWeight ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape, int>(Conv2DBackwardWeightKernel);
            _backwardWeight(new KernelConfig((int)dWeight.Length, _group), x, dy, dWeight, shape, batch);
        }

        if (dBias.Length > 0)
        {
            _backwardBias ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, Conv2DShape, int>(Conv2DBackwardBiasKernel);
            _backwardBias(new KernelConfig((int)dBias.Length, _group), dy, dBias, shape, batch);
        }
    }

    /// <summary>
    /// x (B, C, H, W), weight (F, C, KH, KW), bias (F), y (B, F, OH, OW), one output element per thread:
    /// y[b, f, oh, ow] = act(bias[f] + sum over c, kh, kw of x[b, c, oh SH - PadTop + kh, ow SW - PadLeft + kw] weight[f, c, kh, kw]),
    /// taps outside the input reading zero (they are skipped).
    /// </summary>
    internal static void Conv2DForwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> y, Conv2DShape s, int kind)
    {
        int i = index;
        int ow = i % s.OutWidth, rest = i / s.OutWidth;
        int oh = rest % s.OutHeight;
        rest /= s.OutHeight;
        int f = rest % s.Filters, b = rest / s.Filters;
        int top = (oh * s.StrideHeight) - s.PadTop, left = (ow * s.StrideWidth) - s.PadLeft;

        // The kernel rows and columns that land inside the input.
        int kh0 = Math.Max(0, -top), kh1 = Math.Min(s.KernelHeight, s.Height - top);
        int kw0 = Math.Max(0, -left), kw1 = Math.Min(s.KernelWidth, s.Width - left);
        int plane = s.Height * s.Width, taps = s.KernelHeight * s.KernelWidth;
        float sum = 0f;
        for (int c = 0; c < s.Channels; c++)
        {
            int xPlane = (((b * s.Channels) + c) * plane) + (top * s.Width) + left;
            int wPlane = ((f * s.Channels) + c) * taps;
            for (int kh = kh0; kh < kh1; kh++)
            {
                int xRow = xPlane + (kh * s.Width), wRow = wPlane + (kh * s.KernelWidth);
                for (int kw = kw0; kw < kw1; kw++)
                {
                    sum += x[xRow + kw] * weight[wRow + kw];
                }
            }
        }

        y[i] = Activate(sum + bias[f], kind);
    }

    /// <summary>
    /// dy (B, F, OH, OW), weight (F, C, KH, KW), dx (B, C, H, W), one input element per thread (overwrites):
    /// differentiating y[b, f, oh, ow] = sum x[b, c, oh SH - PadTop + kh, ow SW - PadLeft + kw] weight[f, c, kh, kw],
    /// dx[b, c, h, w] = sum over f and the taps (kh, kw) with (h + PadTop - kh) / SH and (w + PadLeft - kw) / SW
    /// whole output positions of dy[b, f, oh, ow] weight[f, c, kh, kw].
    /// </summary>
    internal static void Conv2DBackwardInputKernel(Index1D index, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> dx, Conv2DShape s)
    {
        int i = index;
        int w = i % s.Width, rest = i / s.Width;
        int h = rest % s.Height;
        rest /= s.Height;
        int c = rest % s.Channels, b = rest / s.Channels;
        int positions = s.OutHeight * s.OutWidth, taps = s.KernelHeight * s.KernelWidth;
        float sum = 0f;
        for (int f = 0; f < s.Filters; f++)
        {
            int dyPlane = ((b * s.Filters) + f) * positions;
            int wPlane = ((f * s.Channels) + c) * taps;
            for (int kh = 0; kh < s.KernelHeight; kh++)
            {
                int ph = h + s.PadTop - kh;
                if (ph < 0)
                {
                    break;
                }

                int oh = ph / s.StrideHeight;
                if (oh * s.StrideHeight != ph || oh >= s.OutHeight)
                {
                    continue;
                }

                for (int kw = 0; kw < s.KernelWidth; kw++)
                {
                    int pw = w + s.PadLeft - kw;
                    if (pw < 0)
                    {
                        break;
                    }

                    int ow = pw / s.StrideWidth;
                    if (ow * s.StrideWidth != pw || ow >= s.OutWidth)
                    {
                        continue;
                    }

                    sum += dy[dyPlane + (oh * s.OutWidth) + ow] * weight[wPlane + (kh * s.KernelWidth) + kw];
                }
            }
        }

        dx[i] = sum;
    }

    /// <summary>
    /// x (B, C, H, W), dy (B, F, OH, OW), dWeight (F, C, KH, KW), one group per weight (f, c, kh, kw):
    /// dWeight[f, c, kh, kw] += sum over b, oh, ow of dy[b, f, oh, ow] x[b, c, oh SH - PadTop + kh, ow SW - PadLeft + kw]
    /// (taps outside the input add nothing). Explicitly grouped: the weight comes from Grid, the thread from Group.
    /// </summary>
    internal static void Conv2DBackwardWeightKernel(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dWeight, Conv2DShape s, int batch)
    {
        ArrayView<float> partial = SharedMemory.Allocate<float>(ReductionGroup.MaxThreads);
        int t = Group.IdxX, threads = Group.DimX, at = Grid.IdxX;
        int kw = at % s.KernelWidth, rest = at / s.KernelWidth;
        int kh = rest % s.KernelHeight;
        rest /= s.KernelHeight;
        int c = rest % s.Channels, f = rest / s.Channels;
        int positions = s.OutHeight * s.OutWidth, plane = s.Height * s.Width, count = batch * positions;
        float sum = 0f;
        for (int j = t; j < count; j += threads)
        {
            int b = j / positions, p = j % positions;
            int ih = ((p / s.OutWidth) * s.StrideHeight) - s.PadTop + kh;
            int iw = ((p % s.OutWidth) * s.StrideWidth) - s.PadLeft + kw;
            if (ih >= 0 && ih < s.Height && iw >= 0 && iw < s.Width)
            {
                sum += dy[(((b * s.Filters) + f) * positions) + p] * x[(((b * s.Channels) + c) * plane) + (ih * s.Width) + iw];
            }
        }

        partial[t] = sum;
        Group.Barrier();
        if (t == 0)
        {
            float total = 0f;
            for (int k = 0; k < threads; k++)
            {
                total += partial[k];
            }

            dWeight[at] += total;
        }
    }

    /// <summary>
    /// dy (B, F, OH, OW), dBias (F), one group per filter: dBias[f] += sum over b, oh, ow of dy[b, f, oh, ow].
    /// Explicitly grouped: the filter comes from Grid, the thread from Group.
    /// </summary>
    internal static void Conv2DBackwardBiasKernel(ArrayView<float> dy, ArrayView<float> dBias, Conv2DShape s, int batch)
    {
        ArrayView<float> partial = SharedMemory.Allocate<float>(ReductionGroup.MaxThreads);
        int t = Group.IdxX, threads = Group.DimX, f = Grid.IdxX;
        int positions = s.OutHeight * s.OutWidth, count = batch * positions;
        float sum = 0f;
        for (int j = t; j < count; j += threads)
        {
            int b = j / positions, p = j % positions;
            sum += dy[(((b * s.Filters) + f) * positions) + p];
        }

        partial[t] = sum;
        Group.Barrier();
        if (t == 0)
        {
            float total = 0f;
            for (int k = 0; k < threads; k++)
            {
                total += partial[k];
            }

            dBias[f] += total;
        }
    }

    /// <summary>The activation of one value, as <see cref="ActivationGpu"/> computes it (ReLU keeps NaN).</summary>
    private static float Activate(float x, int kind) => kind switch
    {
        (int)ActivationKind.ReLU => x > 0f || float.IsNaN(x) ? x : 0f,
        (int)ActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        (int)ActivationKind.Tanh => MathF.Tanh(x),
        _ => x,
    };
}
