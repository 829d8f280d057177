namespace ModelGen.Samples.FashionMnist;

/// <summary>What a training run was asked for.</summary>
/// <param name="Seed">Seeds the splits, the weights and the shuffling.</param>
/// <param name="Threads">Kernel threads; 0 for one per core.</param>
/// <param name="OutputFolder">Where the weights, history, plots, confusion matrix and result.json go.</param>
/// <param name="DataFolder">A folder of Fashion-MNIST IDX files; null for Debian's folder when installed, else the bundled test set.</param>
/// <param name="Epochs">The most epochs to train (early stopping usually ends sooner).</param>
/// <param name="Limit">When above 0, use only the first this many training images (before the validation part is held
/// out) and test images; for quick checks.</param>
public sealed record TrainSettings(int Seed, int Threads, string OutputFolder, string? DataFolder, int Epochs = 30, int Limit = 0);
