namespace ModelGen.Samples.HotelCancellations;

/// <summary>What one training run gave: the figures written to result.json.</summary>
/// <param name="Features">Input features after preparation.</param>
/// <param name="EpochsRun">Epochs trained before early stopping (or the limit) ended training.</param>
/// <param name="BestEpoch">The epoch whose weights were kept, 1-based as the epoch lines number them.</param>
/// <param name="BestValidationLoss">The validation loss at the best epoch.</param>
/// <param name="BestValidationAccuracy">The validation binary accuracy at the best epoch.</param>
/// <param name="PrepSeconds">Reading, splitting, fitting the preparation and transforming both parts.</param>
/// <param name="TrainSeconds">Fit, from the first epoch to the restored best weights.</param>
public sealed record TrainResult(int Features, int EpochsRun, int BestEpoch, double BestValidationLoss, double BestValidationAccuracy,
    double PrepSeconds, double TrainSeconds)
{
    /// <summary>The validation precision at the best epoch (cancellations predicted above 0.5 that were cancelled).</summary>
    public double BestValidationPrecision { get; init; }

    /// <summary>The validation recall at the best epoch (cancellations found).</summary>
    public double BestValidationRecall { get; init; }

    /// <summary>The validation ROC AUC at the best epoch (Keras' 200 thresholds).</summary>
    public double BestValidationAuc { get; init; }

    /// <summary>Training seconds per epoch.</summary>
    public double SecondsPerEpoch => TrainSeconds / EpochsRun;
}
