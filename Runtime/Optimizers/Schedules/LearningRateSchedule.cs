namespace ModelGen;

/// <summary>
/// A learning rate that changes with the optimizer's step count (Keras' <c>keras.optimizers.schedules.LearningRateSchedule</c>).
/// Pass one to any optimizer in place of a constant rate, as Keras' <c>Adam(learning_rate=schedule)</c>: before each update
/// the optimizer asks for <see cref="Rate"/> at its <see cref="Optimizer.Iterations"/> (the updates done so far, 0 for the
/// first), so step t (from 0) uses <c>Rate(t)</c>. A schedule is a pure function of the step: it holds no state and
/// must not allocate, as it runs on every training step.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/>, the number of updates done before this one.</summary>
    /// <param name="step">The optimizer's step count, not negative.</param>
    /// <returns>A finite rate, not negative; an optimizer refuses any other before it changes anything.</returns>
    public abstract float Rate(long step);

    /// <summary>
    /// Keras' decay exponent, step / decaySteps in float32, rounded down to whole periods with <paramref name="staircase"/>
    /// (ExponentialDecay's and InverseTimeDecay's p); throws unless <paramref name="step"/> is not negative.
    /// </summary>
    private protected static float Periods(long step, long decaySteps, bool staircase)
    {
        RequireStep(step);
        float p = (float)step / (float)decaySteps;
        return staircase ? MathF.Floor(p) : p;
    }

    /// <summary>Throws unless <paramref name="step"/> is not negative.</summary>
    private protected static void RequireStep(long step)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be 0 or more (a count of updates), but it is {step}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and not negative; returns it.</summary>
    private protected static float RequireRate(float value, string name)
    {
        if (!(value >= 0f) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and not negative, but it is {value}.");
        }

        return value;
    }

    /// <summary>Throws unless <paramref name="value"/> is positive; returns it.</summary>
    private protected static long RequirePositiveSteps(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be > 0, but it is {value}.");
        }

        return value;
    }
}
