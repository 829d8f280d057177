using System.Diagnostics;
using System.Globalization;

namespace ModelGen.Tools.Fuzz;

/// <summary>
/// Runs one target over its inputs: each written to a file and loaded on a worker under the time limit, its outcome
/// and allocation counted, and the inputs behind crashes, hangs, partial loads and loads over the memory bound kept
/// in the findings folder (the first few of each) to reproduce them.
/// </summary>
internal sealed class FuzzRunner(FuzzSettings settings, Func<IFuzzTarget> create, TextWriter output)
{
    // Each hang leaves a thread behind inside the loader; beyond this many the run stops.
    private const int MaxHangs = 10;

    // Inputs kept per outcome in the findings folder.
    private const int KeptPerOutcome = 20;

    private readonly Dictionary<string, int> _kept = new(StringComparer.Ordinal);

    /// <summary>Runs every input and returns the counts.</summary>
    public FuzzReport Run()
    {
        var report = new FuzzReport(settings);
        var random = new Random(settings.Seed);
        string work = Directory.CreateTempSubdirectory("modelgen-fuzz-").FullName;
        IFuzzTarget target = create();
        int generation = 0, hangs = 0;
        var watch = Stopwatch.StartNew();
        try
        {
            for (int input = 0; input < settings.Count; input++)
            {
                (string kind, byte[] bytes) = target.NextInput(random);
                string path = Path.Combine(work, $"input-{generation}{target.Extension}");
                File.WriteAllBytes(path, bytes);

                IFuzzTarget current = target;
                var load = Task.Run(() =>
                {
                    long start = GC.GetAllocatedBytesForCurrentThread();
                    Exception? error = null;
                    try
                    {
                        current.Load(path);
                    }
                    catch (Exception caught)
                    {
                        error = caught;
                    }

                    return (Error: error, Allocated: GC.GetAllocatedBytesForCurrentThread() - start);
                });

                if (!load.Wait(settings.TimeLimit))
                {
                    report.Add(input, kind, bytes.Length, FuzzOutcome.Hang, null, 0, overMemory: false);
                    Keep("hang", input, kind, target.Extension, bytes, $"no answer within {settings.TimeLimit.TotalSeconds} s");

                    // The worker is still inside the loader: leave it that instance and file, go on with fresh ones.
                    target = create();
                    generation++;
                    if (++hangs >= MaxHangs)
                    {
                        output.WriteLine($"Stopped after {hangs} hangs.");
                        break;
                    }

                    continue;
                }

                (Exception? error, long allocated) = load.Result;
                FuzzOutcome outcome = error is null ? FuzzOutcome.Loaded
                    : !target.Refusals.Contains(error.GetType()) ? FuzzOutcome.Crash
                    : target.ChangedByRefusal() ? FuzzOutcome.PartialLoad
                    : FuzzOutcome.Refused;
                bool overMemory = allocated > target.AllocationLimit(bytes.Length);
                report.Add(input, kind, bytes.Length, outcome, error?.GetType(), allocated, overMemory);
                if (outcome is FuzzOutcome.Crash or FuzzOutcome.PartialLoad)
                {
                    Keep(outcome == FuzzOutcome.Crash ? "crash" : "partial", input, kind, target.Extension, bytes, error!.ToString());
                }

                if (overMemory)
                {
                    Keep("memory", input, kind, target.Extension, bytes, $"allocated {allocated} bytes, more than {target.AllocationLimit(bytes.Length)}");
                }

                if ((input + 1) % Math.Max(1, settings.Count / 10) == 0)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{input + 1} of {settings.Count} inputs, {watch.Elapsed.TotalSeconds:0} s, {report.Failures} failures"));
                }
            }
        }
        finally
        {
            (target as IDisposable)?.Dispose();
            if (hangs == 0)
            {
                Directory.Delete(work, recursive: true);
            }
        }

        report.Write(output, watch.Elapsed);
        return report;
    }

    // Keeps the input (and what happened) in the findings folder: the first few of each outcome.
    private void Keep(string outcome, int input, string kind, string extension, byte[] bytes, string what)
    {
        int kept = _kept.GetValueOrDefault(outcome);
        if (kept >= KeptPerOutcome)
        {
            return;
        }

        _kept[outcome] = kept + 1;
        Directory.CreateDirectory(settings.FindingsFolder);
        string name = string.Create(CultureInfo.InvariantCulture, $"{settings.Target}-{outcome}-{input:D7}-{kind}");
        File.WriteAllBytes(Path.Combine(settings.FindingsFolder, name + extension), bytes);
        File.WriteAllText(Path.Combine(settings.FindingsFolder, name + ".txt"), what + Environment.NewLine);
    }
}
