using System.CommandLine;
using ModelGen.Samples.SmsSpam;

// The SMS Spam Collection: a stratified 80/20 split (a tenth of the training part validates), Keras' Tokenizer fitted
// on the training texts, ids padded to 50; SpamNet (embedding with masked padding, LSTM, sigmoid) and SpamTransformer
// (embedding with masked padding and positions, two encoder blocks, mean, sigmoid) trained on them with early
// stopping; prints each one's test accuracy, spam precision and recall and confusion matrix and a table of both, and
// writes each model, its tokenizer, the history, its two plots and confusion.txt in a folder named after it, and
// result.json with both.
Option<int> seedOption = new("--seed") { Description = "Seeds the split, the weights and the shuffling.", DefaultValueFactory = _ => 0 };
Option<int> threadsOption = new("--threads") { Description = "Kernel threads (0: one per core).", DefaultValueFactory = _ => 0 };
Option<string> outOption = new("--out") { Description = "Folder for result.json, and lstm/ and transformer/ with model.safetensors, model.tokenizer.json, history.csv, loss.png, accuracy.png and confusion.txt.", DefaultValueFactory = _ => Path.Combine("out", "sms-spam") };
Option<string> dataOption = new("--data") { Description = "The SMS Spam Collection, 'label<TAB>text' per line (.gz is decompressed).", DefaultValueFactory = _ => SmsMessages.BundledPath };
Option<int> epochsOption = new("--epochs") { Description = "The most epochs to train; early stopping usually ends sooner.", DefaultValueFactory = _ => SpamTraining.DefaultEpochs };
Option<int> limitOption = new("--limit") { Description = "Train on only the first N training messages (0: all); for quick checks.", DefaultValueFactory = _ => 0 };
Option<SpamModel> modelOption = new("--model") { Description = "The networks to train: lstm, transformer or both.", DefaultValueFactory = _ => SpamModel.Both };
Option<float> learningRateOption = new("--learning-rate") { Description = "Adam's step size for every network trained (0: each one's own, 1e-3).", DefaultValueFactory = _ => 0f };
seedOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 0)
    {
        result.AddError("--seed must be 0 or more (it seeds the split as numpy's RandomState does).");
    }
});
epochsOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 1)
    {
        result.AddError("--epochs must be at least 1.");
    }
});
learningRateOption.Validators.Add(result =>
{
    if (!(result.GetValueOrDefault<float>() >= 0) || !float.IsFinite(result.GetValueOrDefault<float>()))
    {
        result.AddError("--learning-rate must be 0 (each network's own) or a positive number.");
    }
});
limitOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 0)
    {
        result.AddError("--limit must be 0 (all messages) or more.");
    }
});

RootCommand root = new("SMS spam: trains SpamNet (embedding, LSTM, sigmoid) and SpamTransformer (embedding, positions, two encoder blocks, mean, sigmoid) on the SMS Spam Collection and reports their test accuracy, spam precision and recall.")
{
    seedOption, threadsOption, outOption, dataOption, epochsOption, limitOption, modelOption, learningRateOption,
};
root.SetAction(parse =>
{
    var settings = new TrainSettings(parse.GetValue(seedOption), parse.GetValue(threadsOption), parse.GetValue(outOption)!,
        parse.GetValue(dataOption)!, parse.GetValue(epochsOption), parse.GetValue(limitOption), parse.GetValue(modelOption),
        parse.GetValue(learningRateOption));
    try
    {
        SpamTraining.Run(settings, Console.Out);
        return 0;
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
});
return root.Parse(args).Invoke();
