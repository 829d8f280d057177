namespace ModelGen.Kernels.Gpu.Parity;

/// <summary>The outcome of one parity case.</summary>
/// <param name="Name">The case.</param>
/// <param name="MaxError">The largest |candidate - reference| / max(1, |reference|) over every compared float (NaN against NaN counts as equal).</param>
/// <param name="Tolerance">The allowed error; 0 means bitwise equal.</param>
/// <param name="Passed">Whether every compared float was within the tolerance.</param>
/// <param name="Detail">Where the largest error was, for a failure message.</param>
/// <param name="Seconds">Wall time of the case on the candidate back end.</param>
public readonly record struct ParityResult(string Name, double MaxError, double Tolerance, bool Passed, string Detail, double Seconds);
