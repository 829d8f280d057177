namespace ModelGen;

/// <summary>
/// The Adam family (<see cref="Adam"/>, <see cref="AdamW"/>, <see cref="Adamax"/>, <see cref="Nadam"/>): a first moment
/// decayed by <see cref="Beta1"/>, a second moment (Adamax: an infinity norm) decayed by <see cref="Beta2"/>, and
/// <see cref="Epsilon"/> in the denominator, each checked once here.
/// </summary>
public abstract class MomentOptimizer : Optimizer
{
    /// <summary>Checks and keeps the family's hyperparameters.</summary>
    private protected MomentOptimizer(float learningRate, LearningRateSchedule? schedule, float beta1, float beta2, float epsilon)
        : base(learningRate, schedule)
    {
        Beta1 = RequireFraction(beta1, nameof(beta1));
        Beta2 = RequireFraction(beta2, nameof(beta2));
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
    }

    /// <summary>Decay of the first moment (Nadam: also its momentum schedule's scale).</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment (Adamax: of the infinity norm).</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator: the root of the second moment, or Adamax's infinity norm.</summary>
    public float Epsilon { get; }

    /// <summary><c>Kind(beta_1=..., beta_2=..., epsilon=...)</c>, with <paramref name="extra"/> before the parenthesis closes.</summary>
    private protected string DescribeMoments(string kind, string extra = "") =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{kind}(beta_1={Beta1}, beta_2={Beta2}, epsilon={Epsilon}{extra})");
}
