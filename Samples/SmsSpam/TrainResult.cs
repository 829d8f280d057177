namespace ModelGen.Samples.SmsSpam;

/// <summary>What training one network gave: its figures in result.json.</summary>
/// <param name="Model">The network's name in result.json, the table and its output folder ("lstm", "transformer").</param>
/// <param name="TrainMessages">Messages the network trained on.</param>
/// <param name="ValidationMessages">Messages held out of the training part for val_loss and early stopping.</param>
/// <param name="EpochsRun">Epochs trained before early stopping (or the limit) ended training.</param>
/// <param name="BestEpoch">The epoch whose weights were kept, 1-based as the epoch lines number them.</param>
/// <param name="TestLoss">Binary cross-entropy on the test part with the kept weights.</param>
/// <param name="Confusion">The test part's counts at p >= 0.5.</param>
/// <param name="TrainSeconds">Fit, from the first epoch to the restored best weights (validation included).</param>
public sealed record TrainResult(string Model, int TrainMessages, int ValidationMessages, int EpochsRun, int BestEpoch, double TestLoss,
    BinaryConfusion Confusion, double TrainSeconds);
