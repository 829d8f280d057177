using System.CommandLine;
using ModelGen.Samples.Sunspots;

// Yearly sunspot numbers, 1700-2008: windows of the past 16 years forecast the next year. SimpleRNN, LSTM and GRU
// train on the years before 1947 (the last 15 % of their windows validate, for early stopping) and forecast
// 1947-2008, side by side with the naive last-value forecast; writes each network's weights, history and loss plot,
// the forecast plot and result.json.
Option<int> seedOption = new("--seed") { Description = "Seeds the weights and the shuffling.", DefaultValueFactory = _ => 0 };
Option<int> threadsOption = new("--threads") { Description = "Kernel threads (0: one per core).", DefaultValueFactory = _ => 0 };
Option<string> outOption = new("--out") { Description = "Folder for the weights, history-*.csv, loss-*.png, forecast.png and result.json.", DefaultValueFactory = _ => Path.Combine("out", "sunspots") };
Option<string> dataOption = new("--data") { Description = "The sunspot CSV (YEAR, SUNACTIVITY).", DefaultValueFactory = _ => SunspotSeries.BundledPath };
Option<int> epochsOption = new("--epochs") { Description = "The most epochs each network trains; early stopping usually ends sooner.", DefaultValueFactory = _ => SunspotTraining.DefaultEpochs };
epochsOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 1)
    {
        result.AddError("--epochs must be at least 1.");
    }
});

RootCommand root = new("Sunspots: SimpleRNN, LSTM and GRU forecasts of the yearly sunspot numbers against the naive last-value forecast.")
{
    seedOption, threadsOption, outOption, dataOption, epochsOption,
};
root.SetAction(parse =>
{
    var settings = new TrainSettings(parse.GetValue(seedOption), parse.GetValue(threadsOption), parse.GetValue(outOption)!,
        parse.GetValue(dataOption)!, parse.GetValue(epochsOption));
    try
    {
        SunspotTraining.Run(settings, Console.Out);
        return 0;
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
});
return root.Parse(args).Invoke();
