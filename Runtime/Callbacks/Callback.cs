namespace ModelGen;

/// <summary>
/// Hooks into <see cref="CompiledModel.Fit"/> (Keras' <c>Callback</c>). Logs map keys such as <c>loss</c>,
/// <c>binary_accuracy</c> and <c>val_loss</c> to the epoch's values. Set <see cref="CompiledModel.StopTraining"/>
/// to end training after the current epoch.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained; set before <see cref="OnTrainBegin"/>.</summary>
    public CompiledModel? Model { get; internal set; }

    /// <summary>The model being trained, or an exception when the callback is not attached to one.</summary>
    protected CompiledModel RequireModel() =>
        Model ?? throw new InvalidOperationException($"{GetType().Name} is not attached to a model; it runs inside CompiledModel.Fit.");

    /// <summary>
    /// The bound optimizer, for a callback that sets its learning rate; refused, as Keras refuses it, when a
    /// <see cref="LearningRateSchedule"/> gives the rate.
    /// </summary>
    internal Optimizer RequireSettableRate()
    {
        Optimizer optimizer = RequireModel().Optimizer
            ?? throw new InvalidOperationException($"{GetType().Name} needs the optimizer being trained; it runs inside CompiledModel.Fit.");
        if (optimizer.Schedule is LearningRateSchedule schedule)
        {
            throw new InvalidOperationException($"{GetType().Name} sets the learning rate, but this {optimizer.GetType().Name} takes it from a {schedule.GetType().Name} schedule, so it cannot be set (Keras refuses this too); create the optimizer with a constant learning rate.");
        }

        return optimizer;
    }

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin()
    {
    }

    /// <summary>Called before each epoch (0-based).</summary>
    public virtual void OnEpochBegin(int epoch)
    {
    }

    /// <summary>
    /// Called after each training step (Keras' <c>on_train_batch_end</c>) with the step's 0-based index in the epoch
    /// and the batch's mean loss (Keras' logs hold the epoch's running mean instead; a NaN or infinite batch makes
    /// both non-finite). Setting <see cref="CompiledModel.StopTraining"/> here ends the epoch after this step. Runs
    /// on every step, so an override should not allocate.
    /// </summary>
    public virtual void OnTrainBatchEnd(int batch, float loss)
    {
    }

    /// <summary>Called after each epoch (0-based) with its logs, training and validation.</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>Whether Fit adds <c>learning_rate</c> (the optimizer's rate during the epoch) to the logs for this callback, as Keras' rate callbacks do.</summary>
    internal virtual bool LogsLearningRate => false;

    /// <summary>Called once after the last epoch, with the last epoch's logs (empty when no epoch ran).</summary>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>
    /// Writes into a training checkpoint what the callback must remember to continue (<see cref="EarlyStopping"/>: its
    /// best value, wait and best weights); nothing by default.
    /// </summary>
    protected internal virtual void SaveState(CheckpointState state)
    {
    }

    /// <summary>
    /// Restores what <see cref="SaveState"/> wrote; the next <see cref="OnTrainBegin"/> then continues from it instead
    /// of starting over. Nothing by default.
    /// </summary>
    protected internal virtual void LoadState(CheckpointState state)
    {
    }
}
