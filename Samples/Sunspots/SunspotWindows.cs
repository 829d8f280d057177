namespace ModelGen.Samples.Sunspots;

/// <summary>
/// The series cut into windows: the past <see cref="Window"/> years predict the next one. The split is in time: the
/// last <see cref="TestShare"/> of the years are the test part (their windows may reach back into the training years,
/// whose values are known when the forecast is made), and the last <see cref="ValidationShare"/> of the training
/// part's windows validate (early stopping). Values are standardised with the mean and standard deviation of the
/// training part's years only.
/// </summary>
public sealed class SunspotWindows
{
    /// <summary>Past years per window: a little more than one 11-year cycle.</summary>
    public const int Window = 16;

    /// <summary>The share of the years, the last ones, whose values are forecast as the test.</summary>
    public const double TestShare = 0.2;

    /// <summary>The share of the training part's windows, the last ones, that validate.</summary>
    public const double ValidationShare = 0.15;

    private SunspotWindows(SunspotSeries series, int firstTest, int firstValidation, double mean, double scale)
    {
        Series = series;
        FirstTestIndex = firstTest;
        FirstValidationIndex = firstValidation;
        Mean = mean;
        Scale = scale;
        Train = Windows(Window, firstValidation);
        Validation = Windows(firstValidation, firstTest);
        Test = Windows(firstTest, series.Count);
        TestYears = series.Years[firstTest..];
        TestTruth = series.Values[firstTest..];
        NaiveForecast = series.Values[(firstTest - 1)..^1];
    }

    /// <summary>The whole series.</summary>
    public SunspotSeries Series { get; }

    /// <summary>The index of the first test year.</summary>
    public int FirstTestIndex { get; }

    /// <summary>The index of the first year forecast by a validation window.</summary>
    public int FirstValidationIndex { get; }

    /// <summary>The training part's mean, subtracted before the networks see a value.</summary>
    public double Mean { get; }

    /// <summary>The training part's population standard deviation, the divisor after the mean.</summary>
    public double Scale { get; }

    /// <summary>Windows forecasting the training years after the first <see cref="Window"/>, up to the validation tail.</summary>
    public Dataset Train { get; }

    /// <summary>Windows forecasting the last training years.</summary>
    public Dataset Validation { get; }

    /// <summary>Windows forecasting the test years.</summary>
    public Dataset Test { get; }

    /// <summary>The years forecast by the test windows.</summary>
    public int[] TestYears { get; }

    /// <summary>The test years' values, in sunspot numbers.</summary>
    public double[] TestTruth { get; }

    /// <summary>The naive forecast of each test year: the year before's value.</summary>
    public double[] NaiveForecast { get; }

    /// <summary>Cuts <paramref name="series"/> as the class describes.</summary>
    /// <exception cref="InvalidDataException">The series is too short for a training, a validation and a test window.</exception>
    public static SunspotWindows Create(SunspotSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        int firstTest = (int)Math.Floor(series.Count * (1 - TestShare));
        int trainingWindows = firstTest - Window;
        int validationWindows = (int)Math.Round(trainingWindows * ValidationShare);
        if (validationWindows < 1 || trainingWindows - validationWindows < 1 || firstTest >= series.Count)
        {
            throw new InvalidDataException($"{series.Count} years are too few for windows of {Window} years with a validation and a test part.");
        }

        ReadOnlySpan<double> training = series.Values.AsSpan(0, firstTest);
        double mean = 0;
        foreach (double v in training)
        {
            mean += v;
        }

        mean /= training.Length;
        double squares = 0;
        foreach (double v in training)
        {
            squares += (v - mean) * (v - mean);
        }

        double scale = Math.Sqrt(squares / training.Length);
        return new SunspotWindows(series, firstTest, firstTest - validationWindows, mean, scale > 0 ? scale : 1);
    }

    /// <summary>A network's output back in sunspot numbers.</summary>
    public double Unscale(float value) => value * Scale + Mean;

    private float Scaled(int index) => (float)((Series.Values[index] - Mean) / Scale);

    // One row per forecast year t in [first, end): the Window values before t, oldest first, and the value of t.
    private Dataset Windows(int first, int end)
    {
        int count = end - first;
        var features = new float[count * Window];
        var targets = new float[count];
        for (int row = 0; row < count; row++)
        {
            int t = first + row;
            for (int step = 0; step < Window; step++)
            {
                features[row * Window + step] = Scaled(t - Window + step);
            }

            targets[row] = Scaled(t);
        }

        return new Dataset(features, Window, targets, 1);
    }
}
