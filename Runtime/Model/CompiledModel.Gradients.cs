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
    /// running statistics in training mode. Single-input models only (gradient checks of sequential models).
    /// </summary>
    internal float LossAndGradients(ReadOnlySpan<float> features, ReadOnlySpan<float> targets, bool training, Span<float> gradients)
    {
        RequireSingleInput(nameof(features));
        int batch = features.Length / Layout.InputSize;
        RequireBatchSize(batch);
        Backend.Upload(features, Act(Layout.InputSlot, Layout.InputSize, batch));
        return LossAndGradients(batch, targets, training, gradients);
    }

    /// <summary>
    /// <see cref="LossAndGradients(ReadOnlySpan{float}, ReadOnlySpan{float}, bool, Span{float})"/> for a model with
    /// several inputs: one array per input of <see cref="ModelLayout.Inputs"/>, in their order.
    /// </summary>
    internal float LossAndGradients(IReadOnlyList<float[]> inputs, ReadOnlySpan<float> targets, bool training, Span<float> gradients)
    {
        var declared = Layout.Inputs;
        int batch = inputs[0].Length / declared[0].Size;
        RequireBatchSize(batch);
        UploadInputs(inputs, 0, batch);
        return LossAndGradients(batch, targets, training, gradients);
    }

    private float LossAndGradients(int batch, ReadOnlySpan<float> targets, bool training, Span<float> gradients)
    {
        Backend.Upload(targets, Act(Layout.TargetSlot, Layout.TargetSize, batch));
        bool withGradient = !gradients.IsEmpty;
        Backend.Fill(GradientRegion, 0f);
        Forward(batch, training);
        ComputeLoss(batch, 1f / batch, withGradient);
        AddRegularization(withGradient);
        Backend.Download(Fixed(Layout.LossSlot, 1), _scalar);
        if (withGradient)
        {
            Backward(batch);
            Backend.Download(GradientRegion, gradients);
        }

        return _scalar[0];
    }
}
