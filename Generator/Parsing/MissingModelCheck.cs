using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing;

/// <summary>
/// Finds classes that carry layer attributes ([Input] or any kind the <see cref="LayerRegistry"/> knows) but no
/// [Model]: the generator would give them nothing, silently. One pipeline per attribute name, because
/// ForAttributeWithMetadataName matches one name; each reports only when its attribute is the class's first layer
/// attribute, so a class is warned once however many kinds it declares, across all its partial declarations.
/// </summary>
internal static class MissingModelCheck
{
    /// <summary>[Input] and every layer attribute, by metadata name.</summary>
    public static IReadOnlyList<string> AttributeNames { get; } =
        [NetworkParser.InputAttributeName, .. LayerRegistry.Kinds.Select(kind => kind.AttributeName)];

    /// <summary>The warning for the class <paramref name="context"/> targets, or null when it has [Model] or another pipeline reports it.</summary>
    public static DiagnosticInfo? Check(GeneratorAttributeSyntaxContext context, string attributeName, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        AttributeData? first = null;
        foreach (var data in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? name = data.AttributeClass?.ToDisplayString();
            if (name == NetworkParser.ModelAttributeName)
            {
                return null;
            }

            if (name is not null && data.ApplicationSyntaxReference is not null && IsLayerAttribute(name)
                && (first is null || ComesBefore(data.ApplicationSyntaxReference, first.ApplicationSyntaxReference!)))
            {
                first = data;
            }
        }

        // Report from the pipeline of the first attribute, at the declaration that holds it.
        var declaration = (ClassDeclarationSyntax)context.TargetNode;
        if (first is null
            || first.AttributeClass!.ToDisplayString() != attributeName
            || first.ApplicationSyntaxReference!.SyntaxTree != declaration.SyntaxTree
            || !declaration.Span.Contains(first.ApplicationSyntaxReference.Span))
        {
            return null;
        }

        return DiagnosticInfo.Create(DiagnosticDescriptors.LayersWithoutModelWarning, LocationInfo.From(declaration.Identifier), type.Name);
    }

    private static bool IsLayerAttribute(string name) =>
        name == NetworkParser.InputAttributeName || LayerRegistry.ByAttribute(name) is not null;

    private static bool ComesBefore(SyntaxReference candidate, SyntaxReference current)
    {
        int byFile = string.CompareOrdinal(candidate.SyntaxTree.FilePath, current.SyntaxTree.FilePath);
        return byFile != 0 ? byFile < 0 : candidate.Span.Start < current.Span.Start;
    }
}
