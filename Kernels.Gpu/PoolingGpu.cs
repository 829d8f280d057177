using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Max and average pooling over channels-first maps without padding. Forward runs one thread per output;
/// backward one thread per input element, gathering from the windows that hold it in output order (so
/// overlapping windows add up without atomics, in the order a scatter over the outputs would add them).
/// </summary>
internal sealed class PoolingGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2DShape>? _maxForward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2DShape, int>? _maxBackward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, Pool2DShape>? _avgForward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, Pool2DShape>? _avgBackward;

    /// <summary>x (B, C, H, W), y and argmax (B, C, OH, OW): window maxima and their in-plane indices.</summary>
    public void MaxForward(ArrayView<float> x, ArrayView<float> y, ArrayView<float> argmax, Pool2DShape shape)
    {
        if (y.Length == 0)
        {
            return;
        }

        _maxForward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2DShape>(MaxPool2DForwardKernel);
        _maxForward((int)y.Length, x, y, argmax, shape);
    }

    /// <summary>dy and argmax (B, C, OH, OW), dx (B, C, H, W): each dy added at its window's arg-max; overwrites dx.</summary>
    public void MaxBackward(ArrayView<float> dy, ArrayView<float> argmax, ArrayView<float> reluOutput, ArrayView<float> dx, Pool2DShape shape)
    {
        if (dx.Length == 0)
        {
            return;
        }

        // Without a fused ReLU the kernel never reads its reluOutput view: dy stands in for it.
        bool fused = reluOutput.Length > 0;
        _maxBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2DShape, int>(MaxPool2DBackwardKernel);
        _maxBackward((int)dx.Length, dy, argmax, fused ? reluOutput : dy, dx, shape, fused ? 1 : 0);
    }

    /// <summary>x (B, C, H, W), y (B, C, OH, OW): window means.</summary>
    public void AvgForward(ArrayView<float> x, ArrayView<float> y, Pool2DShape shape)
    {
        if (y.Length == 0)
        {
            return;
        }

        _avgForward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pool2DShape>(AvgPool2DForwardKernel);
        _avgForward((int)y.Length, x, y, shape);
    }

    /// <summary>dy (B, C, OH, OW), dx (B, C, H, W): each dy / (PH PW) spread over its window; overwrites dx.</summary>
    public void AvgBackward(ArrayView<float> dy, ArrayView<float> dx, Pool2DShape shape)
    {
        if (dx.Length == 0)
        {
            return;
        }

        _avgBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pool2DShape>(AvgPool2DBackwardKernel);
        _avgBackward((int)dx.Length, dy, dx, shape);
    }

    /// <summary>
    /// x (B, C, H, W), y and argmax (B, C, OH, OW), one output per thread: y = the window's maximum, argmax = its
    /// index h W + w in the input plane. The first maximum in row-major order wins ties; the first NaN wins outright.
    /// </summary>
    internal static void MaxPool2DForwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> y, ArrayView<float> argmax, Pool2DShape s)
    {
        int i = index;
        int ow = i % s.OutWidth, rest = i / s.OutWidth;
        int oh = rest % s.OutHeight, plane = rest / s.OutHeight;
        int top = oh * s.StrideHeight, left = ow * s.StrideWidth;
        int start = plane * s.Height * s.Width;
        int best = (top * s.Width) + left;
        float max = x[start + best];
        for (int ph = 0; ph < s.PoolHeight; ph++)
        {
            int row = ((top + ph) * s.Width) + left;
            for (int pw = 0; pw < s.PoolWidth; pw++)
            {
                float v = x[start + row + pw];
                if (!float.IsNaN(max) && (v > max || float.IsNaN(v)))
                {
                    max = v;
                    best = row + pw;
                }
            }
        }

        y[i] = max;
        argmax[i] = best;
    }

    /// <summary>
    /// dy and argmax (B, C, OH, OW), dx (B, C, H, W), one input per thread (overwrites): dx[h, w] = the sum of
    /// dy over the windows holding (h, w) whose arg-max is h W + w, in output order.
    /// </summary>
    internal static void MaxPool2DBackwardKernel(Index1D index, ArrayView<float> dy, ArrayView<float> argmax, ArrayView<float> reluOutput, ArrayView<float> dx, Pool2DShape s, int fusedRelu)
    {
        int i = index;
        int w = i % s.Width, rest = i / s.Width;
        int h = rest % s.Height, plane = rest / s.Height;
        float self = (h * s.Width) + w;
        WindowRange(h, s.PoolHeight, s.StrideHeight, s.OutHeight, out int oh0, out int oh1);
        WindowRange(w, s.PoolWidth, s.StrideWidth, s.OutWidth, out int ow0, out int ow1);
        int start = plane * s.OutHeight * s.OutWidth;
        float sum = 0f;
        for (int oh = oh0; oh < oh1; oh++)
        {
            for (int ow = ow0; ow < ow1; ow++)
            {
                int o = start + (oh * s.OutWidth) + ow;
                if (argmax[o] == self && (fusedRelu == 0 || reluOutput[o] > 0f))
                {
                    sum += dy[o];
                }
            }
        }

        dx[i] = sum;
    }

    /// <summary>x (B, C, H, W), y (B, C, OH, OW), one output per thread: y = the window's sum / (PH PW).</summary>
    internal static void AvgPool2DForwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> y, Pool2DShape s)
    {
        int i = index;
        int ow = i % s.OutWidth, rest = i / s.OutWidth;
        int oh = rest % s.OutHeight, plane = rest / s.OutHeight;
        int corner = (plane * s.Height * s.Width) + (oh * s.StrideHeight * s.Width) + (ow * s.StrideWidth);
        float sum = 0f;
        for (int ph = 0; ph < s.PoolHeight; ph++)
        {
            int row = corner + (ph * s.Width);
            for (int pw = 0; pw < s.PoolWidth; pw++)
            {
                sum += x[row + pw];
            }
        }

        y[i] = sum / (s.PoolHeight * s.PoolWidth);
    }

    /// <summary>
    /// dy (B, C, OH, OW), dx (B, C, H, W), one input per thread (overwrites): differentiating y = sum / (PH PW),
    /// dx[h, w] = the sum of dy over the windows holding (h, w), in output order, / (PH PW).
    /// </summary>
    internal static void AvgPool2DBackwardKernel(Index1D index, ArrayView<float> dy, ArrayView<float> dx, Pool2DShape s)
    {
        int i = index;
        int w = i % s.Width, rest = i / s.Width;
        int h = rest % s.Height, plane = rest / s.Height;
        WindowRange(h, s.PoolHeight, s.StrideHeight, s.OutHeight, out int oh0, out int oh1);
        WindowRange(w, s.PoolWidth, s.StrideWidth, s.OutWidth, out int ow0, out int ow1);
        int start = plane * s.OutHeight * s.OutWidth;
        float sum = 0f;
        for (int oh = oh0; oh < oh1; oh++)
        {
            for (int ow = ow0; ow < ow1; ow++)
            {
                sum += dy[start + (oh * s.OutWidth) + ow];
            }
        }

        dx[i] = sum / (s.PoolHeight * s.PoolWidth);
    }

    /// <summary>
    /// The outputs [first, end) along one axis whose windows hold input position p: o stride &lt;= p &lt; o stride + pool,
    /// so o from ceil((p - pool + 1) / stride) to floor(p / stride), within [0, outputs).
    /// </summary>
    private static void WindowRange(int p, int pool, int stride, int outputs, out int first, out int end)
    {
        int low = p - pool + 1;
        first = low <= 0 ? 0 : (low + stride - 1) / stride;
        end = Math.Min(outputs, (p / stride) + 1);
    }
}
