namespace ModelGen.Generator.Model;

/// <summary>The Parse stage's output: the network (null when it cannot be read) and its diagnostics. Must stay immutable with value equality.</summary>
internal sealed record ParseResult(ParsedNetwork? Network, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>A graph model, compiled and shape-checked while parsing (its body needs the semantic model).</summary>
    public NetworkSpec? Graph { get; init; }

    /// <summary>A graph model's members to implement, whether or not its body compiled.</summary>
    public Graph.GraphMembers? Members { get; init; }
}
