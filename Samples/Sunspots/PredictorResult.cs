namespace ModelGen.Samples.Sunspots;

/// <summary>How one predictor did on the test years.</summary>
/// <param name="Key">Its key in result.json (<c>naive</c>, <c>simple_rnn</c>, <c>lstm</c>, <c>gru</c>).</param>
/// <param name="Name">Its name in the table and the plot.</param>
/// <param name="Forecast">Its forecast of each test year, in sunspot numbers.</param>
/// <param name="TestRmse">Root-mean-square error over the test years, in sunspot numbers.</param>
/// <param name="EpochsRun">Epochs trained (0 for the naive forecast).</param>
/// <param name="BestEpoch">The epoch whose weights were kept, 1-based (0 for the naive forecast).</param>
/// <param name="TrainSeconds">Fit's time (0 for the naive forecast).</param>
public sealed record PredictorResult(string Key, string Name, double[] Forecast, double TestRmse, int EpochsRun = 0, int BestEpoch = 0, double TrainSeconds = 0)
{
    /// <summary>The root-mean-square difference of <paramref name="forecast"/> and <paramref name="truth"/>.</summary>
    public static double Rmse(ReadOnlySpan<double> forecast, ReadOnlySpan<double> truth)
    {
        if (forecast.Length != truth.Length || truth.IsEmpty)
        {
            throw new ArgumentException($"{forecast.Length} forecasts for {truth.Length} values.", nameof(forecast));
        }

        double squares = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            squares += (forecast[i] - truth[i]) * (forecast[i] - truth[i]);
        }

        return Math.Sqrt(squares / truth.Length);
    }
}
