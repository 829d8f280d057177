using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.BatchNorm;

/// <summary>The BatchNorm layer: batch statistics in training, running statistics at inference.</summary>
internal sealed partial class BatchNormLayer : LayerKind
{
    public static BatchNormLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.BatchNormAttribute";

    public override string DefaultNamePrefix => "norm";

    // Keras' defaults, as ModelGen.BatchNormAttribute declares them.
    private const double DefaultMomentum = 0.99;
    private const double DefaultEpsilon = 1e-3;

    /// <summary>Reads [BatchNorm(Momentum = ..., Epsilon = ..., Name = ...)].</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        double momentum = AttributeArguments.NamedDouble(attribute, "Momentum", DefaultMomentum);
        double epsilon = AttributeArguments.NamedDouble(attribute, "Epsilon", DefaultEpsilon);
        if (!(momentum >= 0 && momentum < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BatchNormMomentumOutOfRangeError, location, name, momentum));
        }

        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BatchNormEpsilonNotPositiveError, location, name, epsilon));
        }

        return new BatchNormSpec(name, momentum, epsilon);
    }
}
