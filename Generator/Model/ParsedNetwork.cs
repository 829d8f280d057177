namespace ModelGen.Generator.Model;

/// <summary>
/// A network as parsed from its class, before shape checking; keeps attribute locations (as plain values)
/// so that validation can report at the attribute at fault. Must stay immutable with value equality.
/// </summary>
/// <param name="Namespace">The containing namespace, or null for the global namespace.</param>
/// <param name="ClassName">The class name.</param>
/// <param name="Loss">The training loss.</param>
/// <param name="InputShape">The [Input] dimensions.</param>
/// <param name="Layers">Every layer after [Input], in source order.</param>
/// <param name="ClassLocation">The class identifier.</param>
/// <param name="ModelLocation">The [Model] attribute.</param>
/// <param name="InputLocation">The [Input] attribute.</param>
internal sealed record ParsedNetwork(
    string? Namespace,
    string ClassName,
    LossFunction Loss,
    Shape InputShape,
    EquatableArray<ParsedLayer> Layers,
    LocationInfo? ClassLocation,
    LocationInfo? ModelLocation,
    LocationInfo? InputLocation);
