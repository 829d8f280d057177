namespace ModelGen.Samples.FashionMnist;

/// <summary>What one training run gave: the figures written to result.json.</summary>
/// <param name="TrainImages">Images the network trained on (the validation part excluded).</param>
/// <param name="ValidationImages">Images held out of the training set for val_loss and early stopping.</param>
/// <param name="TestImages">Images of the test set, evaluated once after training.</param>
/// <param name="EpochsRun">Epochs trained before early stopping (or the limit) ended training.</param>
/// <param name="BestEpoch">The epoch whose weights were kept, 1-based as the epoch lines number them.</param>
/// <param name="TestLoss">Cross-entropy on the test set with the kept weights.</param>
/// <param name="TestAccuracy">Accuracy on the test set with the kept weights.</param>
/// <param name="TrainSeconds">Fit, from the first epoch to the restored best weights (validation included).</param>
public sealed record TrainResult(int TrainImages, int ValidationImages, int TestImages, int EpochsRun, int BestEpoch,
    double TestLoss, double TestAccuracy, double TrainSeconds)
{
    /// <summary>Training seconds per epoch.</summary>
    public double SecondsPerEpoch => TrainSeconds / EpochsRun;

    /// <summary>Training images processed per second of Fit: every epoch's training images over Fit's time.</summary>
    public double SamplesPerSecond => (double)TrainImages * EpochsRun / TrainSeconds;
}
