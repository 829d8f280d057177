namespace ModelGen.Tools.Fuzz;

/// <summary>What one fuzz run does: which loader, how many inputs from which seed, the time limit of one input, where findings go.</summary>
internal sealed record FuzzSettings(string Target, int Count, int Seed, TimeSpan TimeLimit, string FindingsFolder);
