namespace ModelGen;

public abstract partial class CompiledModel
{
    /// <summary>Where the next dropout mask's counters start; rewinding it replays the same masks (gradient checks).</summary>
    internal ulong RandomStreamPosition
    {
        get => _randomStream;
        set => _randomStream = value;
    }

    /// <summary>
    /// The mean loss of one batch and, when <paramref name="gradients"/> is not empty, the gradient of that mean loss
    /// with respect to every trainable parameter (layout order), without updating anything but BatchNorm's
    /// running statistics in training mode.
    /// </summary>
    internal float LossAndGradients(ReadOnlySpan<float> features, ReadOnlySpan<float> targets, bool training, Span<float> gradients)
    {
        int batch = features.Length / Layout.InputSize;
        RequireBatchSize(batch);
        Backend.Upload(features, Act(Layout.InputSlot, Layout.InputSize, batch));
        Backend.Upload(targets, Act(Layout.TargetSlot, Layout.TargetSize, batch));
        bool withGradient = !gradients.IsEmpty;
        Backend.Fill(GradientRegion, 0f);
        Forward(batch, training);
        ComputeLoss(batch, 1f / batch, withGradient);
        Backend.Download(Fixed(Layout.LossSlot, 1), _scalar);
        if (withGradient)
        {
            Backward(batch);
            Backend.Download(GradientRegion, gradients);
        }

        return _scalar[0];
    }
}
