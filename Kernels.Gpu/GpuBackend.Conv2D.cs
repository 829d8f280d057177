namespace ModelGen.Kernels.Gpu;

// TEMPORARY STUB: replaced by the owner of this file.
public sealed partial class GpuBackend
{
    /// <inheritdoc/>
    public void Conv2DForward(ModelGen.Kernels.Buf x, ModelGen.Kernels.Buf weight, ModelGen.Kernels.Buf bias, ModelGen.Kernels.Buf patches, ModelGen.Kernels.Buf rows, ModelGen.Kernels.Buf y, int batch, ModelGen.Kernels.Conv2DShape shape, ModelGen.Kernels.ActivationKind activation) => throw new System.NotSupportedException();
    /// <inheritdoc/>
    public void Conv2DBackward(ModelGen.Kernels.Buf x, ModelGen.Kernels.Buf weight, ModelGen.Kernels.Buf dy, ModelGen.Kernels.Buf patches, ModelGen.Kernels.Buf rows, ModelGen.Kernels.Buf dWeight, ModelGen.Kernels.Buf dBias, ModelGen.Kernels.Buf dx, int batch, ModelGen.Kernels.Conv2DShape shape) => throw new System.NotSupportedException();
    /// <inheritdoc/>
    public void MaxPool2DForward(ModelGen.Kernels.Buf x, ModelGen.Kernels.Buf y, ModelGen.Kernels.Buf argmax, int batch, ModelGen.Kernels.Pool2DShape shape) => throw new System.NotSupportedException();
    /// <inheritdoc/>
    public void MaxPool2DBackward(ModelGen.Kernels.Buf dy, ModelGen.Kernels.Buf argmax, ModelGen.Kernels.Buf dx, int batch, ModelGen.Kernels.Pool2DShape shape) => throw new System.NotSupportedException();
    /// <inheritdoc/>
    public void AvgPool2DForward(ModelGen.Kernels.Buf x, ModelGen.Kernels.Buf y, int batch, ModelGen.Kernels.Pool2DShape shape) => throw new System.NotSupportedException();
    /// <inheritdoc/>
    public void AvgPool2DBackward(ModelGen.Kernels.Buf dy, ModelGen.Kernels.Buf dx, int batch, ModelGen.Kernels.Pool2DShape shape) => throw new System.NotSupportedException();
    /// <inheritdoc/>
    public void BatchNorm2DTraining(ModelGen.Kernels.Buf x, ModelGen.Kernels.Buf y, ModelGen.Kernels.Buf gamma, ModelGen.Kernels.Buf beta, ModelGen.Kernels.Buf runningMean, ModelGen.Kernels.Buf runningVar, ModelGen.Kernels.Buf savedMean, ModelGen.Kernels.Buf savedInvStd, int batch, int channels, int spatial, float momentum, float epsilon) => throw new System.NotSupportedException();
    /// <inheritdoc/>
    public void BatchNorm2DInference(ModelGen.Kernels.Buf x, ModelGen.Kernels.Buf y, ModelGen.Kernels.Buf gamma, ModelGen.Kernels.Buf beta, ModelGen.Kernels.Buf runningMean, ModelGen.Kernels.Buf runningVar, int batch, int channels, int spatial, float epsilon) => throw new System.NotSupportedException();
    /// <inheritdoc/>
    public void BatchNorm2DBackward(ModelGen.Kernels.Buf x, ModelGen.Kernels.Buf dy, ModelGen.Kernels.Buf dx, ModelGen.Kernels.Buf gamma, ModelGen.Kernels.Buf dGamma, ModelGen.Kernels.Buf dBeta, ModelGen.Kernels.Buf savedMean, ModelGen.Kernels.Buf savedInvStd, int batch, int channels, int spatial) => throw new System.NotSupportedException();
}
