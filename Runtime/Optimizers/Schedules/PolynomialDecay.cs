namespace ModelGen;

/// <summary>
/// Keras' <c>PolynomialDecay</c>: rate(step) = (initialLearningRate - endLearningRate) * (1 - s / decaySteps)^power +
/// endLearningRate with s = min(step, decaySteps), so the rate reaches <see cref="EndLearningRate"/> and stays there. With
/// <see cref="Cycle"/> the decay restarts: the horizon is decaySteps * ceil(step / decaySteps) (1 at step 0). Computed in
/// float32 as Keras computes it.
/// </summary>
public sealed class PolynomialDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0, finite and not negative.</param>
    /// <param name="decaySteps">The steps the decay takes, positive.</param>
    /// <param name="endLearningRate">The rate at the end, finite and not negative (1e-4).</param>
    /// <param name="power">The polynomial's power, finite and positive (1: linear).</param>
    /// <param name="cycle">Whether the decay restarts past <paramref name="decaySteps"/> over a longer horizon (false).</param>
    public PolynomialDecay(float initialLearningRate, long decaySteps, float endLearningRate = 1e-4f, float power = 1f, bool cycle = false)
    {
        if (!(power > 0f) || !float.IsFinite(power))
        {
            throw new ArgumentOutOfRangeException(nameof(power), power, $"power must be positive and finite, but it is {power}.");
        }

        InitialLearningRate = RequireRate(initialLearningRate, nameof(initialLearningRate));
        DecaySteps = RequirePositiveSteps(decaySteps, nameof(decaySteps));
        EndLearningRate = RequireRate(endLearningRate, nameof(endLearningRate));
        Power = power;
        Cycle = cycle;
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The steps the decay takes.</summary>
    public long DecaySteps { get; }

    /// <summary>The rate the decay ends at.</summary>
    public float EndLearningRate { get; }

    /// <summary>The polynomial's power.</summary>
    public float Power { get; }

    /// <summary>Whether the decay restarts past <see cref="DecaySteps"/>.</summary>
    public bool Cycle { get; }

    /// <inheritdoc/>
    public override float Rate(long step)
    {
        RequireStep(step);
        float s = step, decaySteps = DecaySteps;
        if (Cycle)
        {
            decaySteps *= s == 0f ? 1f : MathF.Ceiling(s / decaySteps);
        }
        else
        {
            s = MathF.Min(s, decaySteps);
        }

        float p = s / decaySteps;
        return ((InitialLearningRate - EndLearningRate) * MathF.Pow(1f - p, Power)) + EndLearningRate;
    }
}
