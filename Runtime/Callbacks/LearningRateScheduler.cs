namespace ModelGen;

/// <summary>
/// Sets the learning rate at the start of every epoch from a schedule (Keras' <c>LearningRateScheduler</c>): before
/// epoch <c>e</c> (0-based) the bound optimizer's <see cref="Optimizer.LearningRate"/> becomes
/// <c>schedule(e, currentRate)</c>. As in Keras, Fit then logs the rate each epoch ran with as <c>learning_rate</c>
/// (in the logs callbacks see and in <see cref="History"/>).
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, float, float> _schedule;

    /// <summary>Creates the callback.</summary>
    /// <param name="schedule">
    /// Takes the 0-based epoch and the current learning rate and returns the epoch's rate, positive and finite.
    /// </param>
    public LearningRateScheduler(Func<int, float, float> schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
    }

    /// <inheritdoc/>
    internal override bool LogsLearningRate => true;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The optimizer's rate comes from a <see cref="LearningRateSchedule"/>.</exception>
    public override void OnTrainBegin() => RequireSettableRate();

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch)
    {
        Optimizer optimizer = RequireSettableRate();
        float rate = _schedule(epoch, optimizer.LearningRate);
        if (!(rate > 0 && float.IsFinite(rate)))
        {
            throw new InvalidOperationException($"The learning-rate schedule returned {rate} for epoch {epoch}; a learning rate must be positive and finite.");
        }

        optimizer.LearningRate = rate;
    }
}
