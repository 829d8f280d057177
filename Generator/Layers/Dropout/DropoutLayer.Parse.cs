using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.Dropout;

/// <summary>The Dropout layer: an inverted-dropout mask in training; at inference nothing (the next layer reads its input) or a copy.</summary>
internal sealed partial class DropoutLayer : LayerKind
{
    public static DropoutLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.DropoutAttribute";

    public override string DefaultNamePrefix => "dropout";

    /// <summary>Reads [Dropout(rate, Name = ...)].</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        double rate = AttributeArguments.Double(attribute, 0, 0);
        if (!(rate >= 0 && rate < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutRateOutOfRangeError, location, name, rate));
        }

        return new DropoutSpec(name, rate);
    }
}
