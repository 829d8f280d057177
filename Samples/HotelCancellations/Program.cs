using System.CommandLine;
using ModelGen.Samples.HotelCancellations;

// The founding document's worked example in C#: `train` (the default) prepares the hotel bookings as the course does,
// trains HotelNet with early stopping and writes the model, its preparation, the history, its two plots and
// result.json; `predict` scores a CSV of bookings with a saved model.
Option<int> seedOption = new("--seed") { Description = "Seeds the split, the weights, dropout and shuffling.", DefaultValueFactory = _ => 0 };
Option<int> threadsOption = new("--threads") { Description = "Kernel threads (0: one per core).", DefaultValueFactory = _ => 0 };
Option<string> outOption = new("--out") { Description = "Folder for the model, its preparation, history.csv, loss.png, accuracy.png and result.json.", DefaultValueFactory = _ => Path.Combine("out", "hotel") };
Option<string> dataOption = new("--data") { Description = "The bookings CSV (.gz is decompressed).", DefaultValueFactory = _ => HotelData.BundledPath };
Option<int> epochsOption = new("--epochs") { Description = "The most epochs to train; early stopping usually ends sooner.", DefaultValueFactory = _ => 200 };
Option<int> rowsOption = new("--rows") { Description = "Train and validate on only the first N rows of each part (0: all); for quick checks.", DefaultValueFactory = _ => 0 };

Option<string> modelOption = new("--model") { Description = "The folder the train command wrote.", Required = true };
Option<string> inputOption = new("--input") { Description = "A CSV of bookings with the course's feature columns.", Required = true };
Command predict = new("predict", "Prints the cancellation probability of each booking of a CSV.") { modelOption, inputOption };
predict.SetAction(parse => HotelPrediction.Run(parse.GetValue(modelOption)!, parse.GetValue(inputOption)!, Console.Out, Console.Error));

Command train = new("train", "Trains HotelNet on the booking data (also the action without a command).")
{
    seedOption, threadsOption, outOption, dataOption, epochsOption, rowsOption,
};
train.SetAction(Train);
RootCommand root = new("Hotel cancellations: trains HotelNet on the booking data (the default action), or scores bookings with a trained one.")
{
    seedOption, threadsOption, outOption, dataOption, epochsOption, rowsOption, train, predict,
};
root.SetAction(Train);
return root.Parse(args).Invoke();

int Train(ParseResult parse)
{
    var settings = new TrainSettings(parse.GetValue(seedOption), parse.GetValue(threadsOption), parse.GetValue(outOption)!,
        parse.GetValue(dataOption)!, parse.GetValue(epochsOption), parse.GetValue(rowsOption));
    try
    {
        HotelTraining.Run(settings, Console.Out);
        return 0;
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
}
