namespace ModelGen.Samples.SmsSpam;

/// <summary>What a training run was asked for.</summary>
/// <param name="Seed">Seeds the split (as scikit-learn's random_state), the weights and the shuffling.</param>
/// <param name="Threads">Kernel threads; 0 for one per core.</param>
/// <param name="OutputFolder">Where result.json goes, and each network's weights, tokenizer, history, plots and confusion matrix in a folder named after it.</param>
/// <param name="DataPath">The SMS Spam Collection (label, tab, text per line; ".gz" is decompressed).</param>
/// <param name="Epochs">The most epochs to train (early stopping usually ends sooner).</param>
/// <param name="Models">The networks to train: the LSTM, the transformer or both.</param>
/// <param name="LearningRate">Adam's step size for every network trained; 0 for each one's own (<see cref="SpamTraining.LstmLearningRate"/>, <see cref="SpamTraining.TransformerLearningRate"/>).</param>
/// <param name="Limit">When above 0, train on only the first this many training messages (quick checks); validation and test stay whole.</param>
public sealed record TrainSettings(int Seed, int Threads, string OutputFolder, string DataPath, int Epochs = SpamTraining.DefaultEpochs, int Limit = 0,
    SpamModel Models = SpamModel.Both, float LearningRate = 0);
