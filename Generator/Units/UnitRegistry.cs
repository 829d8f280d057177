using System.Collections.Generic;
using System.Linq;

namespace ModelGen.Generator.Units;

/// <summary>Every unit the generator knows, one line each; the parser finds a unit by its attribute's metadata name.</summary>
internal static class UnitRegistry
{
    public static IReadOnlyList<UnitKind> Units { get; } =
    [
        SA.SAUnit.Instance,
        GA.GAUnit.Instance,
        SGA.SGAUnit.Instance,
        AttentionReduction.AttentionReductionUnit.Instance,
    ];

    private static readonly Dictionary<string, UnitKind> s_byAttribute = Units.ToDictionary(unit => unit.AttributeName);

    /// <summary>The unit declared by the attribute of this metadata name, or null when it is no unit attribute.</summary>
    public static UnitKind? ByAttribute(string attributeName) =>
        s_byAttribute.TryGetValue(attributeName, out var unit) ? unit : null;
}
