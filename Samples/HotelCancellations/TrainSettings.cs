namespace ModelGen.Samples.HotelCancellations;

/// <summary>What the train command was asked for.</summary>
/// <param name="Seed">Seeds the split (as scikit-learn's random_state), the weights, dropout and shuffling.</param>
/// <param name="Threads">Kernel threads; 0 for one per core.</param>
/// <param name="OutputFolder">Where the weights, preparation, history, plots and result.json go.</param>
/// <param name="DataPath">The bookings CSV (".gz" is decompressed).</param>
/// <param name="Epochs">The most epochs to train (early stopping usually ends sooner).</param>
/// <param name="Rows">When above 0, train and validate on only the first this many rows of each part, after the
/// preparation is fitted on the whole training part (quick checks; the feature count stays the full data's).</param>
public sealed record TrainSettings(int Seed, int Threads, string OutputFolder, string DataPath, int Epochs = 200, int Rows = 0);
