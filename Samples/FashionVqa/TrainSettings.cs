namespace ModelGen.Samples.FashionVqa;

/// <summary>What a run was asked for.</summary>
/// <param name="Seed">Seeds the split of the items, the pictures, the questions, the weights and the shuffling.</param>
/// <param name="Threads">Kernel threads; 0 for one per core.</param>
/// <param name="OutputFolder">Where results.md, result.json and the attention pictures go, and each network's weights, history and plots in a folder named after it.</param>
/// <param name="DataFolder">A folder with Fashion-MNIST's t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz).</param>
/// <param name="Epochs">The most epochs to train each network (early stopping usually ends sooner).</param>
/// <param name="TrainPictures">Pictures composed from the training items; each is asked one question of each type.</param>
/// <param name="ValidationPictures">Pictures composed from the validation items (val_loss, early stopping).</param>
/// <param name="TestPictures">Pictures composed from the test items; the table's figures.</param>
/// <param name="LearningRate">Adam's step size for every network.</param>
/// <param name="Models">The trained networks' names (<see cref="VqaModel"/>), or null for all of them; the majority answer is always counted.</param>
/// <param name="OneThreadEpoch">Whether to time one more epoch of SA(Y)-SGA(X,Y) on one thread after the table (result.json's one_thread_seconds_per_epoch).</param>
public sealed record TrainSettings(int Seed, int Threads, string OutputFolder, string DataFolder, int Epochs = VqaTraining.DefaultEpochs,
    int TrainPictures = VqaTraining.DefaultTrainPictures, int ValidationPictures = VqaTraining.DefaultValidationPictures,
    int TestPictures = VqaTraining.DefaultTestPictures, float LearningRate = VqaTraining.DefaultLearningRate, bool OneThreadEpoch = true, IReadOnlyList<string>? Models = null);
