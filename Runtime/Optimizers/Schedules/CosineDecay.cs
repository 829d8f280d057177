namespace ModelGen;

/// <summary>
/// Keras' <c>CosineDecay</c>, with its optional linear warm-up. Without <see cref="WarmupTarget"/>:
/// rate(step) = initialLearningRate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decaySteps)) + alpha) with
/// s = min(step, decaySteps), so the rate ends at alpha * initialLearningRate and stays there. With it: for
/// step &lt; warmupSteps the rate rises linearly, initialLearningRate + (warmupTarget - initialLearningRate) * step / warmupSteps,
/// then decays as above from warmupTarget over the next decaySteps (s = min(step, warmupSteps + decaySteps) - warmupSteps).
/// Computed in float32 as Keras computes it.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0 (where the warm-up starts), finite and not negative.</param>
    /// <param name="decaySteps">The steps of the cosine decay, positive.</param>
    /// <param name="alpha">The floor, as a fraction of the rate the decay starts from, in [0, 1] (0).</param>
    /// <param name="warmupTarget">The rate the warm-up reaches and the decay starts from, finite and not negative; null for no warm-up.</param>
    /// <param name="warmupSteps">The steps of the warm-up, not negative; only with <paramref name="warmupTarget"/> (0).</param>
    public CosineDecay(float initialLearningRate, long decaySteps, float alpha = 0f, float? warmupTarget = null, long warmupSteps = 0)
    {
        InitialLearningRate = RequireRate(initialLearningRate, nameof(initialLearningRate));
        DecaySteps = RequirePositiveSteps(decaySteps, nameof(decaySteps));
        if (!(alpha >= 0f && alpha <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"alpha must lie in [0, 1], but it is {alpha}.");
        }

        if (warmupSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"warmupSteps must be 0 or more, but it is {warmupSteps}.");
        }

        if (warmupTarget is null && warmupSteps > 0)
        {
            // Keras ignores warmup_steps without warmup_target; a warm-up asked for and silently skipped is refused here.
            throw new ArgumentException($"warmupSteps is {warmupSteps} but warmupTarget is null: a warm-up needs the rate it rises to.", nameof(warmupTarget));
        }

        Alpha = alpha;
        WarmupTarget = warmupTarget is float target ? RequireRate(target, nameof(warmupTarget)) : null;
        WarmupSteps = warmupSteps;
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The steps of the cosine decay.</summary>
    public long DecaySteps { get; }

    /// <summary>The floor of the decay as a fraction of the rate it starts from.</summary>
    public float Alpha { get; }

    /// <summary>The rate at the end of the warm-up, or null for none.</summary>
    public float? WarmupTarget { get; }

    /// <summary>The steps of the warm-up.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc/>
    public override float Rate(long step)
    {
        RequireStep(step);
        float s = step;
        float decaySteps = DecaySteps;
        if (WarmupTarget is not float target)
        {
            return Decay(MathF.Min(s, decaySteps), decaySteps, InitialLearningRate);
        }

        float warmupSteps = WarmupSteps;
        s = MathF.Min(s, decaySteps + warmupSteps);
        if (s < warmupSteps)
        {
            float completed = s / warmupSteps;
            float delta = target - InitialLearningRate;
            return delta * completed + InitialLearningRate;
        }

        return Decay(s - warmupSteps, decaySteps, target);
    }

    // Keras' _decay_function, op by op in float32.
    private float Decay(float s, float decaySteps, float from)
    {
        float completed = s / decaySteps;
        float cosine = 0.5f * (1f + MathF.Cos(MathF.PI * completed));
        float decayed = (1f - Alpha) * cosine + Alpha;
        return from * decayed;
    }
}
