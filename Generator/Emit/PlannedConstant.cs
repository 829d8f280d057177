namespace ModelGen.Generator.Emit;

/// <summary>A private constant of the generated class with its explanatory comment.</summary>
internal sealed record PlannedConstant(string Name, int Value, string Comment);
