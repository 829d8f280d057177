using System.CommandLine;
using ModelGen.Samples.FashionMnist;

// DESIGN.md's standard CNN on Fashion-MNIST: reads the IDX files (Debian's dataset-fashion-mnist when installed, else
// the bundled 10,000 test images split 8,000 / 2,000), trains FashionNet with early stopping and writes the model,
// the history, its two plots, the test set's confusion matrix (text and heatmap) and result.json.
Option<int> seedOption = new("--seed") { Description = "Seeds the splits, the weights and the shuffling.", DefaultValueFactory = _ => 0 };
Option<int> threadsOption = new("--threads") { Description = "Kernel threads (0: one per core).", DefaultValueFactory = _ => 0 };
Option<string> outOption = new("--out") { Description = "Folder for model.safetensors, history.csv, loss.png, accuracy.png, confusion.txt, confusion.png and result.json.", DefaultValueFactory = _ => Path.Combine("out", "fashion-mnist") };
Option<string?> dataOption = new("--data") { Description = $"A folder of Fashion-MNIST IDX files (train-* and t10k-*, .gz or plain); a folder with only t10k-* is split 8:2. Default: {FashionData.DebianFolder} when installed, else the bundled test set." };
Option<int> epochsOption = new("--epochs") { Description = "The most epochs to train; early stopping usually ends sooner.", DefaultValueFactory = _ => 30 };
Option<int> limitOption = new("--limit") { Description = "Use only the first N training images (before the validation part is held out) and N test images (0: all); for quick checks.", DefaultValueFactory = _ => 0 };
epochsOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 1)
    {
        result.AddError("--epochs must be at least 1.");
    }
});
limitOption.Validators.Add(result =>
{
    int limit = result.GetValueOrDefault<int>();
    if (limit != 0 && limit < FashionTraining.MinimumTrainImages)
    {
        result.AddError($"--limit must be 0 (all images) or at least {FashionTraining.MinimumTrainImages}, not {limit}.");
    }
});

RootCommand root = new("Fashion-MNIST: trains DESIGN.md's CNN (FashionNet) and reports its test accuracy and confusion matrix.")
{
    seedOption, threadsOption, outOption, dataOption, epochsOption, limitOption,
};
root.SetAction(parse =>
{
    var settings = new TrainSettings(parse.GetValue(seedOption), parse.GetValue(threadsOption), parse.GetValue(outOption)!,
        parse.GetValue(dataOption), parse.GetValue(epochsOption), parse.GetValue(limitOption));
    try
    {
        FashionTraining.Run(settings, Console.Out);
        return 0;
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
});
return root.Parse(args).Invoke();
