namespace ModelGen.Generator.Model;

/// <summary>The Validate stage's output: the network when it has no error, and every diagnostic. Must stay immutable with value equality.</summary>
internal sealed record ValidationResult(NetworkSpec? Network, EquatableArray<DiagnosticInfo> Diagnostics);
