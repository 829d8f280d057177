using System.CommandLine;
using ModelGen.Samples.SmsSpam;

// The SMS Spam Collection: a stratified 80/20 split (a tenth of the training part validates), Keras' Tokenizer fitted
// on the training texts, ids padded to 50, SpamNet (embedding with masked padding, LSTM, sigmoid) trained with early
// stopping; prints the test accuracy, spam precision and recall and the confusion matrix, and writes the model, its
// tokenizer, the history, its two plots, confusion.txt and result.json.
Option<int> seedOption = new("--seed") { Description = "Seeds the split, the weights and the shuffling.", DefaultValueFactory = _ => 0 };
Option<int> threadsOption = new("--threads") { Description = "Kernel threads (0: one per core).", DefaultValueFactory = _ => 0 };
Option<string> outOption = new("--out") { Description = "Folder for model.safetensors, model.tokenizer.json, history.csv, loss.png, accuracy.png, confusion.txt and result.json.", DefaultValueFactory = _ => Path.Combine("out", "sms-spam") };
Option<string> dataOption = new("--data") { Description = "The SMS Spam Collection, 'label<TAB>text' per line (.gz is decompressed).", DefaultValueFactory = _ => SmsMessages.BundledPath };
Option<int> epochsOption = new("--epochs") { Description = "The most epochs to train; early stopping usually ends sooner.", DefaultValueFactory = _ => SpamTraining.DefaultEpochs };
Option<int> limitOption = new("--limit") { Description = "Train on only the first N training messages (0: all); for quick checks.", DefaultValueFactory = _ => 0 };
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
limitOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 0)
    {
        result.AddError("--limit must be 0 (all messages) or more.");
    }
});

RootCommand root = new("SMS spam: trains SpamNet (embedding, LSTM, sigmoid) on the SMS Spam Collection and reports its test accuracy, spam precision and recall.")
{
    seedOption, threadsOption, outOption, dataOption, epochsOption, limitOption,
};
root.SetAction(parse =>
{
    var settings = new TrainSettings(parse.GetValue(seedOption), parse.GetValue(threadsOption), parse.GetValue(outOption)!,
        parse.GetValue(dataOption)!, parse.GetValue(epochsOption), parse.GetValue(limitOption));
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
