namespace ModelGen.Kernels;

/// <summary>The convolution, pooling and per-channel batch-normalisation operations of convolutional networks.</summary>
public partial interface IBackend
{
    /// <summary>
    /// y (B, F, OH, OW) = act(conv(x (B, C, H, W), weight (F, C, KH, KW)) + bias (F)), a cross-correlation as
    /// PyTorch's Conv2d computes it, with zero padding and strides from <paramref name="shape"/>.
    /// patches (B, OH * OW, C * KH * KW) and rows (B, OH * OW, F) are the layer's scratch: the forward pass leaves
    /// in patches what <see cref="Conv2DBackward"/> needs (a back end may use either as it likes otherwise).
    /// The activation is Linear, ReLU, Sigmoid or Tanh.
    /// </summary>
    void Conv2DForward(Buf x, Buf weight, Buf bias, Buf patches, Buf rows, Buf y, int batch, Conv2DShape shape, ActivationKind activation);

    /// <summary>
    /// Backward of <see cref="Conv2DForward"/> from dy (B, F, OH, OW), the gradient of the pre-activation
    /// output (the caller applies the activation's derivative first). Reads x (B, C, H, W) and the patches the
    /// forward pass left; accumulates dWeight (F, C, KH, KW) and dBias (F); when dx is not empty, overwrites
    /// dx (B, C, H, W). patches and rows are scratch and hold garbage afterwards.
    /// </summary>
    void Conv2DBackward(Buf x, Buf weight, Buf dy, Buf patches, Buf rows, Buf dWeight, Buf dBias, Buf dx, int batch, Conv2DShape shape);

    /// <summary>
    /// y (B, C, OH, OW) = the maximum of each window of x (B, C, H, W); argmax (B, C, OH, OW) receives the
    /// winner's index h * W + w within its input plane, as a float (exact below 2^24). The first maximum in
    /// row-major window order wins ties; a NaN in a window wins (it propagates, as in PyTorch).
    /// </summary>
    void MaxPool2DForward(Buf x, Buf y, Buf argmax, int batch, Pool2DShape shape);

    /// <summary>
    /// dx (B, C, H, W) = 0, then each dy (B, C, OH, OW) added at its window's arg-max (overlapping windows add up).
    /// Overwrites dx. When <paramref name="reluOutput"/> is not empty it is the pool's output y (B, C, OH, OW) over a
    /// ReLU's output, and the ReLU's backward is fused: dy passes only where y &gt; 0 (the ReLU's output at the
    /// arg-max is y, and where y is 0 every input of the window is), so the layer before needs no ReLU backward pass.
    /// </summary>
    void MaxPool2DBackward(Buf dy, Buf argmax, Buf reluOutput, Buf dx, int batch, Pool2DShape shape);

    /// <summary>y (B, C, OH, OW) = the mean of each window of x (B, C, H, W) (a window of H x W is a global average).</summary>
    void AvgPool2DForward(Buf x, Buf y, int batch, Pool2DShape shape);

    /// <summary>dx (B, C, H, W) = the sum over the windows holding each input of dy / (PH * PW). Overwrites dx.</summary>
    void AvgPool2DBackward(Buf dy, Buf dx, int batch, Pool2DShape shape);

    /// <summary>
    /// Batch normalisation of feature maps x (B, C, S) (S = H * W positions) per channel, statistics over the
    /// batch and the positions (B * S values), as PyTorch's BatchNorm2d: otherwise as <see cref="BatchNormTraining"/>,
    /// with gamma, beta, the running and the saved statistics of length C.
    /// </summary>
    void BatchNorm2DTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial, float momentum, float epsilon);

    /// <summary>Inference mode of <see cref="BatchNorm2DTraining"/>: y = gamma (x - runningMean) / sqrt(runningVar + epsilon) + beta, per channel.</summary>
    void BatchNorm2DInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        int batch, int channels, int spatial, float epsilon);

    /// <summary>
    /// Backward of <see cref="BatchNorm2DTraining"/>, with N = B * S values per channel and xhat = (x - savedMean) savedInvStd:
    /// dx = gamma savedInvStd / N (N dy - sum dy - xhat sum(dy xhat)) (overwrites), dGamma += sum(dy xhat), dBeta += sum dy,
    /// the sums over the batch and the positions of each channel.
    /// </summary>
    void BatchNorm2DBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial);
}
