namespace ModelGen.Generator.Model;

/// <summary>A layer as parsed, with the location of its attribute for diagnostics. Must stay immutable with value equality.</summary>
internal sealed record ParsedLayer(LayerSpec Spec, LocationInfo? Location);
