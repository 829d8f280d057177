using System.CommandLine;
using ModelGen.Tools.Fuzz;

// The long fuzz run of one loader (outside CI; the suite runs a bounded one): mutated inputs, counted by outcome.
// Exits 0 when no input crashed, hung, loaded partly or went over the memory bound, 1 otherwise.
Option<string> targetOption = new("--target")
{
    Description = $"The loader to fuzz: {string.Join(", ", FuzzTargets.All.Keys)}.",
    Required = true,
};
targetOption.AcceptOnlyFromAmong([.. FuzzTargets.All.Keys]);
Option<int> countOption = new("--count") { Description = "How many inputs.", DefaultValueFactory = _ => 100_000 };
Option<int> seedOption = new("--seed") { Description = "Seeds the inputs: the same seed gives the same inputs.", DefaultValueFactory = _ => 1 };
Option<double> timeLimitOption = new("--time-limit") { Description = "Seconds one input may take before it counts as a hang.", DefaultValueFactory = _ => 5 };
Option<string> findingsOption = new("--findings")
{
    Description = "Folder for the inputs behind crashes, hangs, partial loads and loads over the memory bound.",
    DefaultValueFactory = _ => Path.Combine("out", "fuzz"),
};
countOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 1)
    {
        result.AddError("--count must be at least 1.");
    }
});
timeLimitOption.Validators.Add(result =>
{
    if (!(result.GetValueOrDefault<double>() > 0))
    {
        result.AddError("--time-limit must be a positive number of seconds.");
    }
});

RootCommand root = new("Fuzzes one of ModelGen's loaders with mutated files and counts the outcomes: loaded, refused (by exception type), crash, hang, partial load.")
{
    targetOption, countOption, seedOption, timeLimitOption, findingsOption,
};
root.SetAction(parse =>
{
    string target = parse.GetValue(targetOption)!;
    var settings = new FuzzSettings(target, parse.GetValue(countOption), parse.GetValue(seedOption),
        TimeSpan.FromSeconds(parse.GetValue(timeLimitOption)), parse.GetValue(findingsOption)!);
    FuzzReport report = new FuzzRunner(settings, FuzzTargets.All[target], Console.Out).Run();
    return report.Failures == 0 && report.OverMemory == 0 && report.Inputs == settings.Count ? 0 : 1;
});
return root.Parse(args).Invoke();
