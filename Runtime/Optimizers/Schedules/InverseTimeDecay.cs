namespace ModelGen;

/// <summary>
/// Keras' <c>InverseTimeDecay</c>: rate(step) = initialLearningRate / (1 + decayRate * step / decaySteps), the quotient
/// step / decaySteps rounded down with <see cref="Staircase"/>. Computed in float32 as Keras computes it.
/// </summary>
public sealed class InverseTimeDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0, finite and not negative.</param>
    /// <param name="decaySteps">The steps per unit of decay, positive.</param>
    /// <param name="decayRate">The decay per <paramref name="decaySteps"/> steps, finite and not negative.</param>
    /// <param name="staircase">Whether the rate changes only at whole multiples of <paramref name="decaySteps"/> (false).</param>
    public InverseTimeDecay(float initialLearningRate, long decaySteps, float decayRate, bool staircase = false)
    {
        InitialLearningRate = RequireRate(initialLearningRate, nameof(initialLearningRate));
        DecaySteps = RequirePositiveSteps(decaySteps, nameof(decaySteps));
        DecayRate = RequireRate(decayRate, nameof(decayRate));
        Staircase = staircase;
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The steps per unit of decay.</summary>
    public long DecaySteps { get; }

    /// <summary>The decay per <see cref="DecaySteps"/> steps.</summary>
    public float DecayRate { get; }

    /// <summary>Whether the rate changes only at whole multiples of <see cref="DecaySteps"/>.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public override float Rate(long step)
    {
        float p = Periods(step, DecaySteps, Staircase);
        return InitialLearningRate / (1f + (DecayRate * p));
    }
}
