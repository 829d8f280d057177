using System.CommandLine;
using ModelGen.Samples.FashionVqa;

// Visual question answering on pictures of four Fashion-MNIST items (issue 12): the bundled 10,000 test items split
// with the seed into items for training, validation and test pictures; one templated question of each type per
// picture; the image-blind majority answer, a question-only baseline and MCAN's encoder-decoder with its ablations
// trained with early stopping; prints and writes the table of test accuracy per question type, result.json, each
// network's weights, history and plots, and the best MCAN model's attention over the regions for a few test pictures.
Option<int> seedOption = new("--seed") { Description = "Seeds the split of the items, the pictures, the questions, the weights and the shuffling.", DefaultValueFactory = _ => 0 };
Option<int> threadsOption = new("--threads") { Description = "Kernel threads (0: one per core).", DefaultValueFactory = _ => 0 };
Option<string> outOption = new("--out") { Description = "Folder for results.md, result.json, attention/ and one folder per network (model.safetensors, history.csv, loss.png, accuracy.png).", DefaultValueFactory = _ => Path.Combine("out", "fashion-vqa") };
Option<string> dataOption = new("--data") { Description = "A folder with Fashion-MNIST's t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz).", DefaultValueFactory = _ => FashionItems.BundledFolder };
Option<int> epochsOption = new("--epochs") { Description = "The most epochs to train each network; early stopping usually ends sooner.", DefaultValueFactory = _ => VqaTraining.DefaultEpochs };
Option<int> trainPicturesOption = new("--train-pictures") { Description = "Training pictures (about five questions each).", DefaultValueFactory = _ => VqaTraining.DefaultTrainPictures };
Option<int> validationPicturesOption = new("--validation-pictures") { Description = "Validation pictures, from items of their own.", DefaultValueFactory = _ => VqaTraining.DefaultValidationPictures };
Option<int> testPicturesOption = new("--test-pictures") { Description = "Test pictures, from items no other part uses.", DefaultValueFactory = _ => VqaTraining.DefaultTestPictures };
Option<float> learningRateOption = new("--learning-rate") { Description = "Adam's step size for every network.", DefaultValueFactory = _ => VqaTraining.DefaultLearningRate };
Option<bool> oneThreadOption = new("--one-thread-epoch") { Description = "Also time one epoch of SA(Y)-SGA(X,Y) on one thread (result.json's one_thread_seconds_per_epoch).", DefaultValueFactory = _ => true };
string[] modelNames = [VqaModel.QuestionOnly.Name, .. VqaModel.Mcan.Select(m => m.Name)];
Option<string[]> modelsOption = new("--models")
{
    Description = $"The networks to train (default all): {string.Join(", ", modelNames)}; the majority answer is always counted.",
    AllowMultipleArgumentsPerToken = true,
};
modelsOption.Validators.Add(result =>
{
    foreach (string name in result.GetValueOrDefault<string[]>() ?? [])
    {
        if (!modelNames.Contains(name))
        {
            result.AddError($"--models: '{name}' is not one of {string.Join(", ", modelNames)}.");
        }
    }
});
foreach (Option<int> option in new[] { seedOption, threadsOption })
{
    option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int>() < 0)
        {
            result.AddError($"{option.Name} must be 0 or more.");
        }
    });
}

foreach (Option<int> option in new[] { epochsOption, trainPicturesOption, validationPicturesOption, testPicturesOption })
{
    option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int>() < 1)
        {
            result.AddError($"{option.Name} must be at least 1.");
        }
    });
}

learningRateOption.Validators.Add(result =>
{
    float rate = result.GetValueOrDefault<float>();
    if (!(rate > 0) || !float.IsFinite(rate))
    {
        result.AddError("--learning-rate must be a positive number.");
    }
});

RootCommand root = new("Fashion VQA: questions about pictures of four Fashion-MNIST items, answered by a question-only baseline and MCAN's encoder-decoder with its ablations; accuracy per question type.")
{
    seedOption, threadsOption, outOption, dataOption, epochsOption, trainPicturesOption, validationPicturesOption, testPicturesOption,
    learningRateOption, oneThreadOption, modelsOption,
};
root.SetAction(parse =>
{
    var settings = new TrainSettings(parse.GetValue(seedOption), parse.GetValue(threadsOption), parse.GetValue(outOption)!, parse.GetValue(dataOption)!,
        parse.GetValue(epochsOption), parse.GetValue(trainPicturesOption), parse.GetValue(validationPicturesOption), parse.GetValue(testPicturesOption),
        parse.GetValue(learningRateOption), parse.GetValue(oneThreadOption), parse.GetValue(modelsOption) is { Length: > 0 } models ? models : null);
    try
    {
        VqaTraining.Run(settings, Console.Out);
        return 0;
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
});
return root.Parse(args).Invoke();
