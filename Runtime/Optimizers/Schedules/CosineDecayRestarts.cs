namespace ModelGen;

/// <summary>
/// Keras' <c>CosineDecayRestarts</c> (SGDR, Loshchilov and Hutter): cosine decay from initialLearningRate to alpha times it
/// over <see cref="FirstDecaySteps"/>, then restarts, each period <see cref="TMul"/> times longer than the one before and
/// starting from <see cref="MMul"/> times its rate. With f = step / firstDecaySteps, restart i = floor(log(1 - f (1 - tMul))
/// / log(tMul)) (floor(f) when tMul is 1) and the fraction of that period done g = (f - (1 - tMul^i) / (1 - tMul)) / tMul^i,
/// rate = initialLearningRate * ((1 - alpha) * 0.5 * mMul^i * (1 + cos(pi g)) + alpha). Computed in float32 as Keras computes it.
/// </summary>
public sealed class CosineDecayRestarts : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0, finite and not negative.</param>
    /// <param name="firstDecaySteps">The first period's steps, positive.</param>
    /// <param name="tMul">How much longer each period is than the one before, finite and positive (2).</param>
    /// <param name="mMul">The factor on each restart's starting rate, finite and not negative (1).</param>
    /// <param name="alpha">The floor, as a fraction of the period's starting rate, in [0, 1] (0).</param>
    public CosineDecayRestarts(float initialLearningRate, long firstDecaySteps, float tMul = 2f, float mMul = 1f, float alpha = 0f)
    {
        if (!(tMul > 0f) || !float.IsFinite(tMul))
        {
            throw new ArgumentOutOfRangeException(nameof(tMul), tMul, $"tMul must be positive and finite, but it is {tMul}.");
        }

        if (!(alpha >= 0f && alpha <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"alpha must lie in [0, 1], but it is {alpha}.");
        }

        InitialLearningRate = RequireRate(initialLearningRate, nameof(initialLearningRate));
        FirstDecaySteps = RequirePositiveSteps(firstDecaySteps, nameof(firstDecaySteps));
        TMul = tMul;
        MMul = RequireRate(mMul, nameof(mMul));
        Alpha = alpha;
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The first period's steps.</summary>
    public long FirstDecaySteps { get; }

    /// <summary>Each period's length over the one before.</summary>
    public float TMul { get; }

    /// <summary>The factor on each restart's starting rate.</summary>
    public float MMul { get; }

    /// <summary>The floor, as a fraction of the period's starting rate.</summary>
    public float Alpha { get; }

    /// <inheritdoc/>
    public override float Rate(long step)
    {
        RequireStep(step);
        float completed = (float)step / (float)FirstDecaySteps;
        float restart;
        if (TMul == 1f)
        {
            restart = MathF.Floor(completed);
            completed -= restart;
        }
        else
        {
            restart = MathF.Floor(MathF.Log(1f - (completed * (1f - TMul))) / MathF.Log(TMul));
            float done = (1f - MathF.Pow(TMul, restart)) / (1f - TMul);
            completed = (completed - done) / MathF.Pow(TMul, restart);
        }

        float cosine = 0.5f * MathF.Pow(MMul, restart) * (1f + MathF.Cos(MathF.PI * completed));
        return InitialLearningRate * (((1f - Alpha) * cosine) + Alpha);
    }
}
