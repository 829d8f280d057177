namespace ModelGen;

/// <summary>
/// Stops training when a batch's loss is NaN or infinite (Keras' <c>TerminateOnNaN</c>). Without this callback
/// <see cref="CompiledModel.Fit"/> throws <see cref="NonFiniteLossException"/> at such a batch; with it, Fit skips
/// that batch's update (so the weights stay finite, where Keras has already applied it), this callback sets
/// <see cref="CompiledModel.StopTraining"/>, and the epoch ends there: its logs (with the non-finite loss), validation
/// and <see cref="Callback.OnEpochEnd"/> run as in Keras, and no further epoch starts.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="raiseError">
    /// Keras' <c>raise_error</c>: throw instead of stopping gracefully (false). Fit then throws
    /// <see cref="NonFiniteLossException"/>, naming the epoch and step, before the batch's update.
    /// </param>
    public TerminateOnNaN(bool raiseError = false)
    {
        RaiseError = raiseError;
    }

    /// <summary>Whether a non-finite loss throws rather than stopping training.</summary>
    public bool RaiseError { get; }

    /// <summary>The 0-based epoch and step of the non-finite loss that stopped training, or null.</summary>
    public (int Epoch, int Batch)? StoppedAt { get; private set; }

    private int _epoch;

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        StoppedAt = null;
        _epoch = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch) => _epoch = epoch;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, float loss)
    {
        if (!float.IsFinite(loss))
        {
            // Keras prints "Batch {batch}: Invalid loss, terminating training"; here the callback records where.
            StoppedAt = (_epoch, batch);
            RequireModel().StopTraining = true;
        }
    }
}
