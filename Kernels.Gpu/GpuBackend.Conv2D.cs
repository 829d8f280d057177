using ILGPU;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The convolutional operations: validation of views and geometry, then dispatch to <see cref="Conv2DGpu"/>,
/// <see cref="PoolingGpu"/> and <see cref="BatchNorm2DGpu"/>, created on first use (their kernels compile then).
/// </summary>
public sealed partial class GpuBackend
{
    private Conv2DGpu? _conv2D;
    private PoolingGpu? _pooling;
    private BatchNorm2DGpu? _batchNorm2D;

    private Conv2DGpu Conv2DKernels => _conv2D ??= new Conv2DGpu(_accelerator);

    private PoolingGpu PoolingKernels => _pooling ??= new PoolingGpu(_accelerator);

    private BatchNorm2DGpu BatchNorm2DKernels => _batchNorm2D ??= new BatchNorm2DGpu(_accelerator);

    /// <inheritdoc/>
    public void Conv2DForward(Buf x, Buf weight, Buf bias, Buf patches, Buf rows, Buf y, int batch, Conv2DShape shape, ActivationKind activation)
    {
        ConvSizes sizes = CheckConv2D(batch, shape);
        if (activation is < ActivationKind.Linear or > ActivationKind.Tanh)
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Conv2D supports the Linear, ReLU, Sigmoid and Tanh activations.");
        }

        ArrayView<float> xv = Sized(x, sizes.Input, nameof(x)), wv = Sized(weight, sizes.Weight, nameof(weight));
        ArrayView<float> bv = Sized(bias, shape.Filters, nameof(bias));
        Sized(patches, sizes.Patches, nameof(patches));
        Sized(rows, sizes.Rows, nameof(rows));
        Conv2DKernels.Forward(xv, wv, bv, Sized(y, sizes.Output, nameof(y)), shape, activation);
    }

    /// <inheritdoc/>
    public void Conv2DBackward(Buf x, Buf weight, Buf dy, Buf patches, Buf rows, Buf dWeight, Buf dBias, Buf dx, int batch, Conv2DShape shape)
    {
        ConvSizes sizes = CheckConv2D(batch, shape);
        ArrayView<float> xv = Sized(x, sizes.Input, nameof(x)), wv = Sized(weight, sizes.Weight, nameof(weight));
        ArrayView<float> dyv = Sized(dy, sizes.Output, nameof(dy));
        Sized(patches, sizes.Patches, nameof(patches));
        Sized(rows, sizes.Rows, nameof(rows));
        ArrayView<float> dWeightView = Sized(dWeight, sizes.Weight, nameof(dWeight)), dBiasView = Sized(dBias, shape.Filters, nameof(dBias));
        ArrayView<float> dxv = dx.Length != 0 ? Sized(dx, sizes.Input, nameof(dx)) : View(dx, nameof(dx));
        Conv2DKernels.Backward(xv, wv, dyv, dWeightView, dBiasView, dxv, batch, shape);
    }

    /// <inheritdoc/>
    public void MaxPool2DForward(Buf x, Buf y, Buf argmax, int batch, Pool2DShape shape)
    {
        (long input, long output) = CheckPool2D(batch, shape);
        ArrayView<float> xv = Sized(x, input, nameof(x)), yv = Sized(y, output, nameof(y));
        PoolingKernels.MaxForward(xv, yv, Sized(argmax, output, nameof(argmax)), shape);
    }

    /// <inheritdoc/>
    public void MaxPool2DBackward(Buf dy, Buf argmax, Buf dx, int batch, Pool2DShape shape)
    {
        (long input, long output) = CheckPool2D(batch, shape);
        ArrayView<float> dyv = Sized(dy, output, nameof(dy)), argmaxView = Sized(argmax, output, nameof(argmax));
        PoolingKernels.MaxBackward(dyv, argmaxView, Sized(dx, input, nameof(dx)), shape);
    }

    /// <inheritdoc/>
    public void AvgPool2DForward(Buf x, Buf y, int batch, Pool2DShape shape)
    {
        (long input, long output) = CheckPool2D(batch, shape);
        ArrayView<float> xv = Sized(x, input, nameof(x));
        PoolingKernels.AvgForward(xv, Sized(y, output, nameof(y)), shape);
    }

    /// <inheritdoc/>
    public void AvgPool2DBackward(Buf dy, Buf dx, int batch, Pool2DShape shape)
    {
        (long input, long output) = CheckPool2D(batch, shape);
        ArrayView<float> dyv = Sized(dy, output, nameof(dy));
        PoolingKernels.AvgBackward(dyv, Sized(dx, input, nameof(dx)), shape);
    }

    /// <inheritdoc/>
    public void BatchNorm2DTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial, float momentum, float epsilon)
    {
        long count = Count2D(batch, channels, spatial);
        ArrayView<float> xv = Sized(x, count, nameof(x)), yv = Sized(y, count, nameof(y));
        var args = new BatchNormArgs(Sized(gamma, channels, nameof(gamma)), Sized(beta, channels, nameof(beta)),
            Sized(runningMean, channels, nameof(runningMean)), Sized(runningVar, channels, nameof(runningVar)),
            Sized(savedMean, channels, nameof(savedMean)), Sized(savedInvStd, channels, nameof(savedInvStd)), batch, channels, momentum, epsilon);
        BatchNorm2DKernels.Training(xv, yv, args, spatial);
    }

    /// <inheritdoc/>
    public void BatchNorm2DInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        int batch, int channels, int spatial, float epsilon)
    {
        long count = Count2D(batch, channels, spatial);
        ArrayView<float> xv = Sized(x, count, nameof(x)), yv = Sized(y, count, nameof(y));
        ArrayView<float> gammaView = Sized(gamma, channels, nameof(gamma));
        var args = new BatchNormArgs(gammaView, Sized(beta, channels, nameof(beta)),
            Sized(runningMean, channels, nameof(runningMean)), Sized(runningVar, channels, nameof(runningVar)),
            gammaView, gammaView, batch, channels, 0f, epsilon);
        BatchNorm2DKernels.Inference(xv, yv, args, spatial);
    }

    /// <inheritdoc/>
    public void BatchNorm2DBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial)
    {
        long count = Count2D(batch, channels, spatial);
        ArrayView<float> xv = Sized(x, count, nameof(x)), dyv = Sized(dy, count, nameof(dy)), dxv = Sized(dx, count, nameof(dx));
        ArrayView<float> gammaView = Sized(gamma, channels, nameof(gamma));
        ArrayView<float> dGammaView = Sized(dGamma, channels, nameof(dGamma)), dBetaView = Sized(dBeta, channels, nameof(dBeta));
        var args = new BatchNormArgs(gammaView, gammaView, gammaView, gammaView,
            Sized(savedMean, channels, nameof(savedMean)), Sized(savedInvStd, channels, nameof(savedInvStd)), batch, channels, 0f, 0f);
        BatchNorm2DKernels.Backward(xv, dyv, dxv, dGammaView, dBetaView, args, spatial);
    }

    /// <summary>The floats each view of a convolution needs for a whole batch (long: no overflow before the arena check).</summary>
    private readonly record struct ConvSizes(long Input, long Weight, long Patches, long Rows, long Output);

    /// <summary>Refuses a negative batch or size, a stride below 1 or negative padding; the sizes of every view otherwise.</summary>
    private static ConvSizes CheckConv2D(int batch, Conv2DShape shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (shape.Channels < 0 || shape.Height < 0 || shape.Width < 0 || shape.Filters < 0 || shape.KernelHeight < 0 || shape.KernelWidth < 0
            || shape.PadTop < 0 || shape.PadLeft < 0 || shape.OutHeight < 0 || shape.OutWidth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "Conv2D sizes and padding must not be negative.");
        }

        if (shape.StrideHeight < 1 || shape.StrideWidth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "Conv2D strides must be at least 1.");
        }

        long positions = (long)shape.OutHeight * shape.OutWidth;
        long patch = (long)shape.Channels * shape.KernelHeight * shape.KernelWidth;
        return new ConvSizes(
            Input: (long)batch * shape.Channels * shape.Height * shape.Width,
            Weight: shape.Filters * patch,
            Patches: batch * positions * patch,
            Rows: batch * positions * shape.Filters,
            Output: batch * positions * shape.Filters);
    }

    /// <summary>
    /// Refuses a negative batch or size, a window or stride below 1, or windows reaching past the input (pooling
    /// has no padding); the floats of the input and of the output otherwise.
    /// </summary>
    private static (long Input, long Output) CheckPool2D(int batch, Pool2DShape shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (shape.Channels < 0 || shape.Height < 0 || shape.Width < 0 || shape.OutHeight < 0 || shape.OutWidth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "Pool2D sizes must not be negative.");
        }

        if (shape.PoolHeight < 1 || shape.PoolWidth < 1 || shape.StrideHeight < 1 || shape.StrideWidth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "Pool2D windows and strides must be at least 1.");
        }

        if ((shape.OutHeight > 0 && ((long)(shape.OutHeight - 1) * shape.StrideHeight) + shape.PoolHeight > shape.Height)
            || (shape.OutWidth > 0 && ((long)(shape.OutWidth - 1) * shape.StrideWidth) + shape.PoolWidth > shape.Width))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "Pool2D windows must lie inside the input (no padding).");
        }

        long planes = (long)batch * shape.Channels;
        return (planes * shape.Height * shape.Width, planes * shape.OutHeight * shape.OutWidth);
    }

    private static long Count2D(int batch, int channels, int spatial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spatial);
        return Count(batch, channels) * spatial;
    }
}
