using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.Activation;

/// <summary>The standalone Activation layer (Keras' Activation): one element-wise or row-wise function.</summary>
internal sealed partial class ActivationLayer : LayerKind
{
    public static ActivationLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.ActivationAttribute";

    public override string DefaultNamePrefix => "activation";

    /// <summary>Reads [Activation(kind, Name = ...)].</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        var function = EnumReader.Activation(AttributeArguments.Int(attribute, 0, 0), location, diagnostics);
        return new ActivationSpec(name, function);
    }
}
