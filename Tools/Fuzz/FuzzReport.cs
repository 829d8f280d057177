using System.Globalization;

namespace ModelGen.Tools.Fuzz;

/// <summary>The counts of one fuzz run: by outcome (refusals and crashes by exception type), by mutation kind, and memory.</summary>
internal sealed class FuzzReport(FuzzSettings settings)
{
    private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int[]> _kinds = new(StringComparer.Ordinal);

    /// <summary>Inputs run so far.</summary>
    public int Inputs { get; private set; }

    /// <summary>Inputs that crashed, hung or loaded partly.</summary>
    public int Failures { get; private set; }

    /// <summary>Loads that allocated more than the target's bound.</summary>
    public int OverMemory { get; private set; }

    /// <summary>The most one input allocated, and which input that was.</summary>
    public (long Bytes, int Input, string Kind, int Length) Largest { get; private set; }

    /// <summary>Counts one input.</summary>
    public void Add(int input, string kind, int length, FuzzOutcome outcome, Type? exception, long allocated, bool overMemory)
    {
        Inputs++;
        string key = outcome switch
        {
            FuzzOutcome.Loaded => "loaded",
            FuzzOutcome.Refused => $"refused {exception!.Name}",
            FuzzOutcome.PartialLoad => $"partial load ({exception!.Name})",
            FuzzOutcome.Crash => $"crash {exception!.FullName}",
            _ => "hang",
        };
        _outcomes[key] = _outcomes.GetValueOrDefault(key) + 1;
        if (outcome is FuzzOutcome.PartialLoad or FuzzOutcome.Crash or FuzzOutcome.Hang)
        {
            Failures++;
        }

        if (overMemory)
        {
            OverMemory++;
        }

        if (allocated > Largest.Bytes)
        {
            Largest = (allocated, input, kind, length);
        }

        int[] counts = _kinds.TryGetValue(kind, out int[]? found) ? found : _kinds[kind] = new int[3];
        counts[outcome switch { FuzzOutcome.Loaded => 0, FuzzOutcome.Refused => 1, _ => 2 }]++;
    }

    /// <summary>Writes the table of outcomes and the table by mutation kind.</summary>
    public void Write(TextWriter output, TimeSpan elapsed)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"Fuzz {settings.Target}: {Inputs} inputs from seed {settings.Seed}, time limit {settings.TimeLimit.TotalSeconds:0.###} s per input, {elapsed.TotalSeconds:0.0} s"));
        output.WriteLine();
        output.WriteLine(string.Create(c, $"  {"outcome",-52} {"count",8}"));
        foreach (string always in new[] { "loaded", "crash", "hang", "partial load" })
        {
            if (!_outcomes.Keys.Any(k => k.StartsWith(always, StringComparison.Ordinal)))
            {
                output.WriteLine(string.Create(c, $"  {always,-52} {0,8}"));
            }
        }

        foreach ((string outcome, int count) in _outcomes)
        {
            output.WriteLine(string.Create(c, $"  {outcome,-52} {count,8}"));
        }

        output.WriteLine(string.Create(c, $"  {"over the memory bound (apart from the above)",-52} {OverMemory,8}"));
        output.WriteLine(string.Create(c, $"  largest allocation by one input: {Largest.Bytes} bytes (input {Largest.Input}, {Largest.Kind}, {Largest.Length} bytes)"));
        output.WriteLine();
        output.WriteLine(string.Create(c, $"  {"mutation",-20} {"inputs",8} {"loaded",8} {"refused",8} {"other",8}"));
        foreach ((string kind, int[] counts) in _kinds)
        {
            output.WriteLine(string.Create(c, $"  {kind,-20} {counts.Sum(),8} {counts[0],8} {counts[1],8} {counts[2],8}"));
        }
    }
}
