namespace ModelGen;

/// <summary>
/// Keras' <c>ExponentialDecay</c>: rate(step) = initialLearningRate * decayRate^(step / decaySteps), the exponent
/// rounded down to a whole number with <see cref="Staircase"/> (the rate drops once every <see cref="DecaySteps"/>).
/// Computed in float32 as Keras computes it: the step and decaySteps as float32, their quotient, then the power.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0, positive and finite.</param>
    /// <param name="decaySteps">The steps over which the rate is multiplied by <paramref name="decayRate"/> once, positive.</param>
    /// <param name="decayRate">The factor per <paramref name="decaySteps"/> steps, positive and finite (below 1 to decay).</param>
    /// <param name="staircase">Whether the exponent is the whole number of periods done (a step function).</param>
    public ExponentialDecay(float initialLearningRate, long decaySteps, float decayRate, bool staircase = false)
    {
        if (!(initialLearningRate > 0f) || !float.IsFinite(initialLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(initialLearningRate), initialLearningRate, $"initialLearningRate must be positive and finite, but it is {initialLearningRate}.");
        }

        if (!(decayRate > 0f) || !float.IsFinite(decayRate))
        {
            throw new ArgumentOutOfRangeException(nameof(decayRate), decayRate, $"decayRate must be positive and finite, but it is {decayRate}.");
        }

        InitialLearningRate = initialLearningRate;
        DecaySteps = RequirePositiveSteps(decaySteps, nameof(decaySteps));
        DecayRate = decayRate;
        Staircase = staircase;
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The steps per factor of <see cref="DecayRate"/>.</summary>
    public long DecaySteps { get; }

    /// <summary>The factor per <see cref="DecaySteps"/> steps.</summary>
    public float DecayRate { get; }

    /// <summary>Whether the rate changes only at whole multiples of <see cref="DecaySteps"/>.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public override float Rate(long step)
    {
        float p = Periods(step, DecaySteps, Staircase);
        return InitialLearningRate * MathF.Pow(DecayRate, p);
    }
}
