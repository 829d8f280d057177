using System.CommandLine;
using System.Diagnostics;
using ModelGen;
using ModelGen.Kernels;
using ModelGen.Samples.BreastCancer;

// Trains CancerNet on the breast-cancer data: stratified 80/20 split, standardised features, Adam,
// early stopping on the validation loss; then saves the weights, reloads them into a fresh model and
// checks that both predict the same.
Option<int> seedOption = new("--seed") { Description = "Seeds the split, the weights, dropout and shuffling.", DefaultValueFactory = _ => 0 };
Option<int> epochsOption = new("--epochs") { Description = "The most epochs to train.", DefaultValueFactory = _ => 100 };
Option<int> threadsOption = new("--threads") { Description = "Kernel threads (0: one per core).", DefaultValueFactory = _ => 0 };
Option<string> outOption = new("--out") { Description = "Folder for the weights and the history.", DefaultValueFactory = _ => "out" };
Option<string> dataOption = new("--data") { Description = "The breast-cancer CSV.", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "Data", "breast_cancer.csv") };
RootCommand root = new("Trains a ModelGen network on the breast-cancer data.") { seedOption, epochsOption, threadsOption, outOption, dataOption };
root.SetAction(parse => Run(parse.GetValue(seedOption), parse.GetValue(epochsOption), parse.GetValue(threadsOption), parse.GetValue(outOption)!, parse.GetValue(dataOption)!));
return root.Parse(args).Invoke();

static int Run(int seed, int epochs, int threads, string outDir, string dataPath)
{
    var data = BreastCancerData.Load(dataPath);
    var (train, validation) = data.StratifiedSplit(0.2, seed);
    train.Standardize(validation);
    Console.WriteLine($"Breast cancer: {train.Count} training and {validation.Count} validation samples, {BreastCancerData.FeatureCount} features.");

    const int batchSize = 32;
    var device = Device.Cpu(threads);
    using var model = new CancerNet(batchCapacity: batchSize, seed: seed, device: device);
    Console.WriteLine(model.Summary);

    var trainSet = new Dataset(train.Features, BreastCancerData.FeatureCount, train.Labels, 1);
    var validationSet = new Dataset(validation.Features, BreastCancerData.FeatureCount, validation.Labels, 1);
    var stopwatch = Stopwatch.StartNew();
    var stopper = new EarlyStopping(monitor: "val_loss", minDelta: 1e-3, patience: 10, restoreBestWeights: true);
    var history = model.Fit(trainSet, validationSet, batchSize, epochs, new Adam(), [stopper]);
    double seconds = stopwatch.Elapsed.TotalSeconds;

    var result = model.Evaluate(validationSet, batchSize);
    Console.WriteLine($"Trained {history.Epochs} epochs in {seconds:F2} s on {device.Name}; best epoch {stopper.BestEpoch + 1}.");
    Console.WriteLine($"Validation (best weights restored): loss {result["loss"]:F4}, binary accuracy {result["binary_accuracy"]:F4}");

    Directory.CreateDirectory(outDir);
    string weights = Path.Combine(outDir, "cancer.safetensors");
    model.Save(weights);
    history.Save(Path.Combine(outDir, "history.csv"));

    // A fresh model with other initial weights, loaded from the file, must predict exactly what the trained one does.
    using var reloaded = new CancerNet(batchCapacity: batchSize, seed: seed + 1, device: device);
    reloaded.Load(weights);
    float[] expected = model.Predict(validation.Features);
    float[] actual = reloaded.Predict(validation.Features);
    if (!expected.AsSpan().SequenceEqual(actual))
    {
        Console.Error.WriteLine("The reloaded model predicts differently from the trained one.");
        return 1;
    }

    Console.WriteLine($"Saved {weights} and reloaded it: {actual.Length} identical predictions; first five: {string.Join(", ", actual.Take(5).Select(p => p.ToString("F3")))}.");
    return 0;
}
