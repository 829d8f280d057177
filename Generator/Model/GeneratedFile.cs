namespace ModelGen.Generator.Model;

/// <summary>The Emit stage's output: one source file. Must stay immutable with value equality.</summary>
internal sealed record GeneratedFile(string HintName, string Text);
