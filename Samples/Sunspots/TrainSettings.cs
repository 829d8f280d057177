namespace ModelGen.Samples.Sunspots;

/// <summary>What a run was asked for.</summary>
/// <param name="Seed">Seeds the weights and the shuffling of each network.</param>
/// <param name="Threads">Kernel threads; 0 for one per core.</param>
/// <param name="OutputFolder">Where the weights, histories, plots and result.json go.</param>
/// <param name="DataPath">The sunspot CSV (YEAR, SUNACTIVITY).</param>
/// <param name="Epochs">The most epochs each network trains (early stopping usually ends sooner).</param>
public sealed record TrainSettings(int Seed, int Threads, string OutputFolder, string DataPath, int Epochs = SunspotTraining.DefaultEpochs);
