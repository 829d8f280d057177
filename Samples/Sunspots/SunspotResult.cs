namespace ModelGen.Samples.Sunspots;

/// <summary>What one run gave: the windows and every predictor's test figures.</summary>
/// <param name="Windows">The data as cut for the networks.</param>
/// <param name="Predictors">The naive forecast first, then each network.</param>
public sealed record SunspotResult(SunspotWindows Windows, IReadOnlyList<PredictorResult> Predictors)
{
    /// <summary>The naive forecast's test RMSE, the yardstick.</summary>
    public double NaiveRmse => Predictors[0].TestRmse;

    /// <summary>A predictor's test RMSE over the naive forecast's.</summary>
    public double RatioToNaive(PredictorResult predictor)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        return predictor.TestRmse / NaiveRmse;
    }
}
