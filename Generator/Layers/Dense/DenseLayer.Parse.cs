using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.Dense;

/// <summary>The Dense layer: a GEMM against the (units, inputs) weight, then bias and activation in one kernel.</summary>
internal sealed partial class DenseLayer : LayerKind
{
    public static DenseLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.DenseAttribute";

    public override string DefaultNamePrefix => "dense";

    /// <summary>Reads [Dense(units, activation, Name = ...)].</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        int units = AttributeArguments.Int(attribute, 0, 0);
        var activation = EnumReader.Activation(AttributeArguments.Int(attribute, 1, 0), location, diagnostics, allowGelu: true);
        if (units < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseUnitsNotPositiveError, location, name, units));
        }

        return new DenseSpec(name, units, activation);
    }
}
