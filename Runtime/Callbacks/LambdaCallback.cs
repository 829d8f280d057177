namespace ModelGen;

/// <summary>
/// Keras' <c>LambdaCallback</c>: a callback made of delegates, any of them null, for a hook that needs no class of its
/// own (<c>new LambdaCallback(onEpochEnd: (epoch, logs) => Console.WriteLine(logs["loss"]))</c>). Keras' batch-begin
/// and test and predict hooks have no counterpart: Fit calls only the hooks of <see cref="Callback"/>.
/// </summary>
/// <param name="onTrainBegin">Called once before the first epoch.</param>
/// <param name="onEpochBegin">Called before each epoch with its 0-based index.</param>
/// <param name="onTrainBatchEnd">Called after each training step with the step's index in the epoch and the batch's loss; runs every step, so it should not allocate.</param>
/// <param name="onEpochEnd">Called after each epoch with its index and logs.</param>
/// <param name="onTrainEnd">Called once after the last epoch with its logs.</param>
public sealed class LambdaCallback(
    Action? onTrainBegin = null,
    Action<int>? onEpochBegin = null,
    Action<int, float>? onTrainBatchEnd = null,
    Action<int, IReadOnlyDictionary<string, double>>? onEpochEnd = null,
    Action<IReadOnlyDictionary<string, double>>? onTrainEnd = null) : Callback
{
    /// <inheritdoc/>
    public override void OnTrainBegin() => onTrainBegin?.Invoke();

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch) => onEpochBegin?.Invoke(epoch);

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, float loss) => onTrainBatchEnd?.Invoke(batch, loss);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => onEpochEnd?.Invoke(epoch, logs);

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => onTrainEnd?.Invoke(logs);
}
