using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing;

/// <summary>
/// Reads a [Model] class into a <see cref="ParsedNetwork"/>: the class-level checks, then the layer attributes in
/// source order. No symbol or syntax node leaves this class.
/// </summary>
internal static class NetworkParser
{
    internal const string InputAttributeName = "ModelGen.InputAttribute";
    internal const string ModelAttributeName = "ModelGen.ModelAttribute";
    private const string CompiledModelName = "ModelGen.CompiledModel";

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (ClassDeclarationSyntax)context.TargetNode;
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var diagnostics = new List<DiagnosticInfo>();
        var classLocation = LocationInfo.From(declaration.Identifier);
        string className = type.Name;

        CheckDeclaration(declaration, type, classLocation, diagnostics);
        if (Graph.GraphParser.IsGraph(type))
        {
            return ParseGraph(context, type, classLocation, diagnostics, cancellationToken);
        }

        // Roslyn keeps the attribute lists in syntax order, but AttributeData does not promise any order:
        // walk the syntax and find each attribute's bound data by its span.
        var bound = new Dictionary<TextSpan, AttributeData>();
        foreach (var data in type.GetAttributes())
        {
            if (data.ApplicationSyntaxReference is { } reference && reference.SyntaxTree == declaration.SyntaxTree)
            {
                bound[reference.Span] = data;
            }
        }

        var loss = LossFunction.MeanSquaredError;
        LocationInfo? modelLocation = null;
        LocationInfo? inputLocation = null;
        Shape? inputShape = null;
        var layers = new List<ParsedLayer>();
        var layersBeforeInput = new List<ParsedLayer>();
        var countsByKind = new Dictionary<string, int>();

        foreach (var syntax in declaration.AttributeLists.SelectMany(list => list.Attributes))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!bound.TryGetValue(syntax.Span, out var data) || data.AttributeClass is null)
            {
                continue;
            }

            string attributeName = data.AttributeClass.ToDisplayString();
            if (!IsModelGenAttribute(attributeName))
            {
                continue;
            }

            if (AttributeArguments.HasBindingErrors(data))
            {
                // The compiler already reports the broken attribute; a half-read network would only add noise.
                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            var location = LocationInfo.From(syntax);
            switch (attributeName)
            {
                case ModelAttributeName:
                    modelLocation = location;
                    if (AttributeArguments.NamedEnum(data, "Loss") is { } lossValue)
                    {
                        loss = EnumReader.Loss(lossValue, location, diagnostics);
                    }

                    break;
                case InputAttributeName:
                    var shape = ReadInputShape(data);
                    if (inputShape is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputDuplicateError, location, className, shape.Elements.Length == 0 ? "()" : "(" + shape.Elements + ")", "(" + inputShape.Elements + ")"));
                        break;
                    }

                    inputShape = shape;
                    inputLocation = location;
                    if (shape.Rank == 0 || shape.Dimensions.Any(dimension => dimension < 1))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputDimensionNotPositiveError, location, className, shape.Elements));
                    }

                    break;
                default:
                    var layer = ParseLayer(LayerRegistry.ByAttribute(attributeName)!, data, location, countsByKind, diagnostics);
                    (inputShape is null ? layersBeforeInput : layers).Add(new ParsedLayer(layer, location));
                    break;
            }
        }

        if (inputShape is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputMissingError, classLocation, className));
            return new ParseResult(null, EquatableArray.From(diagnostics));
        }

        foreach (var early in layersBeforeInput)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerBeforeInputError, early.Location, early.Spec.Name, early.Spec.Kind));
        }

        if (layers.Count == 0 && layersBeforeInput.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayersError, classLocation, className, "(" + inputShape.Elements + ")"));
        }

        CheckNames(layersBeforeInput.Concat(layers).ToList(), diagnostics);

        string? containingNamespace = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;
        var network = new ParsedNetwork(containingNamespace, className, loss, inputShape, EquatableArray.From(layers), classLocation, modelLocation, inputLocation);
        return new ParseResult(network, EquatableArray.From(diagnostics));
    }

    /// <summary>A graph model: the [Model] attribute's loss, no layer attributes on the class, then the body compiled.</summary>
    private static ParseResult ParseGraph(GeneratorAttributeSyntaxContext context, INamedTypeSymbol type, LocationInfo? classLocation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var loss = LossFunction.MeanSquaredError;
        LocationInfo? modelLocation = classLocation;
        foreach (var data in type.GetAttributes())
        {
            string? name = data.AttributeClass?.ToDisplayString();
            if (name is null || !IsModelGenAttribute(name))
            {
                continue;
            }

            if (AttributeArguments.HasBindingErrors(data))
            {
                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            var location = data.ApplicationSyntaxReference is { } reference ? LocationInfo.From(reference.GetSyntax(cancellationToken)) : classLocation;
            if (name == ModelAttributeName)
            {
                modelLocation = location;
                if (AttributeArguments.NamedEnum(data, "Loss") is { } lossValue)
                {
                    loss = EnumReader.Loss(lossValue, location, diagnostics);
                }
            }
            else
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GraphForwardError, location, type.Name,
                    "has a [Forward] body or [Input] members, so its layers and inputs are members: move this attribute onto a partial property ([Dense(64)] public partial Layer Hidden { get; })"));
            }
        }

        string? containingNamespace = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;
        var stubs = new List<Graph.MemberStub>();
        var network = diagnostics.Count > 0
            ? null
            : Graph.GraphParser.Parse(context.SemanticModel, type, containingNamespace, loss, classLocation, modelLocation, diagnostics, stubs, cancellationToken);
        bool failed = diagnostics.Exists(diagnostic => diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
        return new ParseResult(null, EquatableArray.From(diagnostics))
        {
            Graph = failed ? null : network,
            Members = new Graph.GraphMembers(containingNamespace, type.Name, EquatableArray.From(stubs)),
        };
    }

    private static bool IsModelGenAttribute(string name) => name is ModelAttributeName or InputAttributeName
        || LayerRegistry.ByAttribute(name) is not null;

    private static void CheckDeclaration(ClassDeclarationSyntax declaration, INamedTypeSymbol type, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartialError, location, type.Name));
        }

        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassStaticError, location, type.Name));
        }

        if (type.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassGenericError, location, type.Name));
        }

        if (type.ContainingType is { } container)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNestedError, location, type.Name, container.ToDisplayString()));
        }

        if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType
            && baseType.TypeKind != TypeKind.Error
            && baseType.ToDisplayString() != CompiledModelName)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassHasBaseClassError, location, type.Name, baseType.ToDisplayString()));
        }
    }

    /// <summary>The dimensions an [Input] attribute lists (on a class, or on a graph model's input member).</summary>
    internal static Shape ReadInputShape(AttributeData data)
    {
        var dimensions = new List<int>();
        foreach (var argument in data.ConstructorArguments)
        {
            if (argument.Kind == TypedConstantKind.Array)
            {
                dimensions.AddRange(argument.IsNull ? [] : argument.Values.Select(value => value.Value is int dimension ? dimension : 0));
            }
            else if (argument.Value is int dimension)
            {
                dimensions.Add(dimension);
            }
        }

        return new Shape(EquatableArray.From(dimensions));
    }

    private static LayerSpec ParseLayer(LayerKind kind, AttributeData data, LocationInfo? location, Dictionary<string, int> countsByKind, List<DiagnosticInfo> diagnostics)
    {
        // Keras numbers default names per layer kind from 0, counting named layers too.
        countsByKind.TryGetValue(kind.DefaultNamePrefix, out int count);
        countsByKind[kind.DefaultNamePrefix] = count + 1;
        string defaultName = kind.DefaultNamePrefix + count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return RegularizerReader.Apply(kind.Parse(data, defaultName, location, diagnostics), data, location, diagnostics);
    }

    private static void CheckNames(List<ParsedLayer> layers, List<DiagnosticInfo> diagnostics)
    {
        var firstByName = new Dictionary<string, int>();
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (!IsValidName(layer.Spec.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNameInvalidError, layer.Location, layer.Spec.Name, layer.Spec.Kind));
            }
            else if (firstByName.TryGetValue(layer.Spec.Name, out int first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNameDuplicateError, layer.Location, layer.Spec.Name, first, layers[first].Spec.Kind, i, layer.Spec.Kind));
            }
            else
            {
                firstByName[layer.Spec.Name] = i;
            }
        }
    }

    private static bool IsValidName(string name) =>
        name.Length > 0
        && (name[0] == '_' || (name[0] < 128 && char.IsLetter(name[0])))
        && name.All(c => c == '_' || (c < 128 && char.IsLetterOrDigit(c)));
}
