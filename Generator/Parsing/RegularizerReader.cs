using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing;

/// <summary>
/// Reads a layer attribute's L1 and L2 regulariser factors (ModelGen.RegularizedLayerAttribute's KernelL1 ... BiasL2,
/// RegularizedRecurrentAttribute's RecurrentL1 and RecurrentL2, EmbeddingAttribute's EmbeddingsL1 and EmbeddingsL2)
/// into the spec, for every kind alike: only attributes that declare them can set them.
/// </summary>
internal static class RegularizerReader
{
    /// <summary>
    /// <paramref name="spec"/> with the attribute's regularisers; a negative or non-finite factor is reported at
    /// <paramref name="location"/> and read as 0.
    /// </summary>
    public static LayerSpec Apply(LayerSpec spec, AttributeData attribute, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        double Read(string name)
        {
            double value = AttributeArguments.NamedDouble(attribute, name, 0);
            if (value >= 0 && !double.IsInfinity(value))
            {
                return value;
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RegularizerOutOfRangeError, location, spec.Name, spec.Kind, name,
                ((float)value).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return 0;
        }

        var regularization = new Regularization(
            Read("KernelL1") + Read("EmbeddingsL1"), Read("KernelL2") + Read("EmbeddingsL2"),
            Read("BiasL1"), Read("BiasL2"), Read("RecurrentL1"), Read("RecurrentL2"));
        return regularization == Regularization.None ? spec : spec with { Regularization = regularization };
    }
}
