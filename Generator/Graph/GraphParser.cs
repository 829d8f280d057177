using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using ModelGen.Generator.Validation;

namespace ModelGen.Generator.Graph;

/// <summary>
/// Compiles a graph model's [Forward] body at compile time: walks its statements with every loop unrolled and every
/// block inlined, and records one <see cref="GraphNode"/> per tensor value with its inferred shape. The body is read,
/// never run; whatever it cannot compile is a diagnostic at that statement or expression. No symbol or syntax node
/// leaves this class.
/// </summary>
internal sealed partial class GraphParser
{
    private const string TensorName = "ModelGen.Tensor";
    private const string LayerName = "ModelGen.Layer";
    private const string ForwardAttributeName = "ModelGen.ForwardAttribute";
    private const string BlockAttributeName = "ModelGen.BlockAttribute";
    private const string RepeatAttributeName = "ModelGen.RepeatAttribute";
    private const int MaxUnrolled = 4096;

    private readonly Compilation _compilation;
    private readonly string _className;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly CancellationToken _cancellationToken;
    private readonly List<GraphNode> _nodes = [];
    private readonly List<LayerSpec> _layers = [];
    private readonly List<Shape> _layerInputs = [];
    private readonly List<EquatableArray<Shape>> _layerExtras = [];
    private readonly Dictionary<string, int> _instanceByPath = [];
    private readonly List<GraphInput> _inputs = [];
    private readonly HashSet<IPropertySymbol> _called = new(SymbolEqualityComparer.Default);
    private readonly Stack<INamedTypeSymbol> _blocks = new();
    private readonly HashSet<IPropertySymbol> _warned = new(SymbolEqualityComparer.Default);
    private int _unrolled;
    private bool _blockOnly;
    private bool _failed;

    private GraphParser(Compilation compilation, string className, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _className = className;
        _diagnostics = diagnostics;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Whether the class is a graph model: it has a [Forward] method or an [Input] property.</summary>
    public static bool IsGraph(INamedTypeSymbol type) =>
        type.GetMembers().Any(member =>
            (member is IMethodSymbol && HasAttribute(member, ForwardAttributeName))
            || (member is IPropertySymbol && HasAttribute(member, NetworkParser.InputAttributeName)));

    /// <summary>Compiles the graph model <paramref name="type"/>; null after reporting why it cannot be.</summary>
    public static NetworkSpec? Parse(
        SemanticModel semanticModel, INamedTypeSymbol type, string? containingNamespace, LossFunction loss, LocationInfo? classLocation,
        LocationInfo? modelLocation, List<DiagnosticInfo> diagnostics, List<MemberStub> stubs, CancellationToken cancellationToken)
    {
        var parser = new GraphParser(semanticModel.Compilation, type.Name, diagnostics, cancellationToken);
        parser.CollectStubs(type, stubs);
        var scope = parser.OpenScope(type, "", null, classLocation);
        if (parser._blockOnly)
        {
            return null;
        }

        if (scope is null)
        {
            return null;
        }

        int output = parser.RunBody(scope);
        if (parser._failed || output < 0)
        {
            return null;
        }

        parser.WarnUnused(scope);
        var outputNode = parser._nodes[output];
        var activation = outputNode.Op == GraphOp.Layer
            ? parser._layers[outputNode.Layer].Layer.OutputActivation(parser._layers[outputNode.Layer]) ?? ActivationFunction.Linear
            : ActivationFunction.Linear;
        if (LossRules.Check(loss, outputNode.Shape, activation) is { } reason)
        {
            string last = outputNode.Op == GraphOp.Layer ? parser._layers[outputNode.Layer].Name : outputNode.Text;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LossOutputMismatchError, modelLocation, loss, outputNode.Shape.WithBatch, last, activation, reason));
            return null;
        }

        var graph = new GraphSpec(
            EquatableArray.From(parser._inputs),
            EquatableArray.From(parser._layers),
            EquatableArray.From(parser._layerInputs),
            EquatableArray.From(parser._nodes),
            output);
        var outputs = parser._layers.Select(layer => parser._nodes.First(node => node.Op == GraphOp.Layer && parser._layers[node.Layer] == layer).Shape);
        return new NetworkSpec(containingNamespace, type.Name, loss, parser._inputs[0].Shape, graph.Layers, EquatableArray.From(outputs)) { Graph = graph };
    }

    // ---- Scopes: one model's members, inputs and locals; a block's scope maps its inputs to the call's arguments.

    private sealed class Scope(INamedTypeSymbol type, string prefix, MethodDeclarationSyntax forward, SemanticModel model)
    {
        public INamedTypeSymbol Type { get; } = type;

        /// <summary>The path of the block's layers: "" at the top, "encoder.0." inside a block.</summary>
        public string Prefix { get; } = prefix;

        public MethodDeclarationSyntax Forward { get; } = forward;

        public SemanticModel Model { get; } = model;

        public Dictionary<ISymbol, Value> Symbols { get; } = new(SymbolEqualityComparer.Default);

        public List<Member> Members { get; } = [];
    }

    /// <summary>A layer member: a layer attribute, a unit attribute or a [Block], repeated or not.</summary>
    private sealed class Member(IPropertySymbol property, AttributeData? attribute, LayerKind? kind, INamedTypeSymbol? block, int repeat, LocationInfo? location, Units.UnitKind? unit = null)
    {
        public IPropertySymbol Property { get; } = property;

        public AttributeData? Attribute { get; } = attribute;

        public LayerKind? Kind { get; } = kind;

        public INamedTypeSymbol? Block { get; } = block;

        /// <summary>A unit attribute's kind ([SA], [GA], ...), expanded at each call; its attribute is <see cref="Attribute"/>.</summary>
        public Units.UnitKind? Unit { get; } = unit;

        /// <summary>The count of a [Repeat] member, else 0.</summary>
        public int Repeat { get; } = repeat;

        public LocationInfo? Location { get; } = location;

        public string Name => Snake(Property.Name);
    }

    /// <summary>What an expression of the body evaluates to at compile time.</summary>
    private sealed class Value
    {
        public int Node { get; init; } = -1;

        public int[]? Parts { get; init; }

        public Member? Member { get; init; }

        /// <summary>For a repeated member: the element (-1: the whole member, not yet indexed).</summary>
        public int Index { get; init; } = -1;

        public double? Number { get; init; }

        public static Value Of(int node) => new() { Node = node };

        public static Value Constant(double number) => new() { Number = number };
    }

    /// <summary>
    /// Reads a graph model's members and finds its [Forward] method; <paramref name="arguments"/> are the block call's
    /// argument nodes (null at the top, where the [Input] members become input nodes).
    /// </summary>
    private Scope? OpenScope(INamedTypeSymbol type, string prefix, int[]? arguments, LocationInfo? callLocation)
    {
        var forwards = type.GetMembers().OfType<IMethodSymbol>().Where(method => HasAttribute(method, ForwardAttributeName)).ToList();
        var classLocation = type.Locations.FirstOrDefault() is { } first ? LocationInfo.From(first) : callLocation;
        if (forwards.Count != 1)
        {
            Report(DiagnosticDescriptors.GraphForwardError, arguments is null ? classLocation : callLocation, type.Name,
                forwards.Count == 0 ? "declares [Input] members but no [Forward] method; add one that returns the output: [Forward] Tensor Forward() { ... }" : "has more than one [Forward] method; keep one");
            return null;
        }

        var method = forwards[0];
        if (method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is not MethodDeclarationSyntax syntax
            || (syntax.Body is null && syntax.ExpressionBody is null))
        {
            Report(DiagnosticDescriptors.GraphForwardError, LocationInfo.From(method.Locations.FirstOrDefault() ?? Location.None), type.Name, "has a [Forward] method without a body; write the body the generator compiles");
            return null;
        }

        if (method.Parameters.Length > 0 || method.ReturnType.ToDisplayString() != TensorName)
        {
            Report(DiagnosticDescriptors.GraphForwardError, LocationInfo.From(syntax.Identifier), type.Name, "has a [Forward] method that takes parameters or does not return a Tensor; declare it as 'Tensor Forward()' and read the [Input] members");
            return null;
        }

        var scope = new Scope(type, prefix, syntax, _compilation.GetSemanticModel(syntax.SyntaxTree));
        int inputIndex = 0;
        foreach (var property in DeclarationOrder(type))
        {
            var location = LocationInfo.From(property.Locations.FirstOrDefault() ?? Location.None);
            var attributes = property.GetAttributes().Where(data => data.AttributeClass is not null).ToList();
            if (attributes.Any(AttributeArguments.HasBindingErrors))
            {
                _failed = true;
                continue;
            }

            var input = attributes.FirstOrDefault(data => data.AttributeClass!.ToDisplayString() == NetworkParser.InputAttributeName);
            var block = attributes.FirstOrDefault(data => data.AttributeClass!.ToDisplayString() == BlockAttributeName);
            var repeat = attributes.FirstOrDefault(data => data.AttributeClass!.ToDisplayString() == RepeatAttributeName);
            var layer = attributes.FirstOrDefault(data => LayerRegistry.ByAttribute(data.AttributeClass!.ToDisplayString()) is not null);
            var unitAttribute = attributes.FirstOrDefault(data => Units.UnitRegistry.ByAttribute(data.AttributeClass!.ToDisplayString()) is not null);
            layer ??= unitAttribute;
            if (input is null && block is null && layer is null)
            {
                continue;
            }

            int count = repeat is null ? 0 : AttributeArguments.Int(repeat, 0, 0);
            string expected = input is not null ? "Tensor" : count > 0 ? "Layer[]" : "Layer";
            string expectedType = input is not null ? TensorName : count > 0 ? LayerName + "[]" : LayerName;
            if (!IsPartialGetOnly(property, out string modifiers) || property.Type.ToDisplayString() != expectedType)
            {
                string written = modifiers.Length == 0 ? "public partial" : modifiers.Contains("partial") ? modifiers : modifiers + " partial";
                Report(DiagnosticDescriptors.GraphMemberError, location, property.Name, type.Name, $"{written} {expected} {property.Name} {{ get; }}");
                continue;
            }

            if (repeat is not null && count < 1)
            {
                Report(DiagnosticDescriptors.GraphMemberError, location, property.Name, type.Name, "[Repeat(n)] with n of at least 1");
                continue;
            }

            if (input is not null)
            {
                var shape = NetworkParser.ReadInputShape(input);
                if (arguments is null)
                {
                    if (shape.Rank > 0 && shape.Dimensions.All(dimension => dimension >= 1 || dimension == AnyLength) && shape.Dimensions.Contains(AnyLength))
                    {
                        // A block over any length ([Input(-1, 128)]): it exists only as a layer of other models, each
                        // call fixing the length, so alone it compiles to nothing.
                        _blockOnly = true;
                        continue;
                    }

                    if (shape.Rank == 0 || shape.Dimensions.Any(dimension => dimension < 1))
                    {
                        Report(DiagnosticDescriptors.InputDimensionNotPositiveError, location, type.Name, shape.Elements);
                        continue;
                    }

                    _inputs.Add(new GraphInput(property.Name, shape, 0, ""));
                    scope.Symbols[property] = Value.Of(Add(GraphOp.Input, [], shape, -1, [_inputs.Count - 1], 0f, property.Name));
                }
                else if (inputIndex >= arguments.Length)
                {
                    Report(DiagnosticDescriptors.GraphArgumentCountError, callLocation, prefix.TrimEnd('.'), type.Name, Plural(InputCount(type), "input"), arguments.Length);
                    return null;
                }
                else if (!Fits(shape, _nodes[arguments[inputIndex]].Shape))
                {
                    Report(DiagnosticDescriptors.GraphShapeError, callLocation, prefix.TrimEnd('.'), _className,
                        $"input '{property.Name}' of block {type.Name} is declared {Declared(shape)} but the call passes {_nodes[arguments[inputIndex]].Shape.WithBatch}; pass a tensor of the declared shape or change [Input] in {type.Name} (-1 takes any size)");
                    return null;
                }
                else
                {
                    scope.Symbols[property] = Value.Of(arguments[inputIndex]);
                }

                inputIndex++;
                continue;
            }

            INamedTypeSymbol? blockType = null;
            if (block is not null)
            {
                blockType = block.ConstructorArguments.FirstOrDefault().Value as INamedTypeSymbol;
                if (blockType is null || !HasAttribute(blockType, NetworkParser.ModelAttributeName) || !IsGraph(blockType))
                {
                    Report(DiagnosticDescriptors.GraphBlockError, location, property.Name, type.Name, blockType?.Name ?? "?", "which is not a graph model; a block is a [Model] class with [Input] members and a [Forward] method");
                    continue;
                }
            }

            var kind = layer is null ? null : LayerRegistry.ByAttribute(layer.AttributeClass!.ToDisplayString());
            var unit = layer is null ? null : Units.UnitRegistry.ByAttribute(layer.AttributeClass!.ToDisplayString());
            scope.Members.Add(new Member(property, layer, kind, blockType, count, location, unit));
            scope.Symbols[property] = new Value { Member = scope.Members[scope.Members.Count - 1] };
        }

        if (arguments is null && _inputs.Count == 0 && !_blockOnly)
        {
            Report(DiagnosticDescriptors.InputMissingError, classLocation, type.Name);
            return null;
        }

        if (arguments is not null && inputIndex != arguments.Length)
        {
            Report(DiagnosticDescriptors.GraphArgumentCountError, callLocation, prefix.TrimEnd('.'), type.Name, Plural(inputIndex, "input"), arguments.Length);
            return null;
        }

        return scope;
    }

    /// <summary>The members to implement: every well-declared [Input], layer and [Block] property, whatever the body holds.</summary>
    private void CollectStubs(INamedTypeSymbol type, List<MemberStub> stubs)
    {
        foreach (var property in DeclarationOrder(type))
        {
            var names = property.GetAttributes().Select(data => data.AttributeClass?.ToDisplayString() ?? "").ToList();
            bool input = names.Contains(NetworkParser.InputAttributeName);
            bool layer = names.Any(name => name == BlockAttributeName || LayerRegistry.ByAttribute(name) is not null || Units.UnitRegistry.ByAttribute(name) is not null);
            if (!input && !layer)
            {
                continue;
            }

            string expectedType = input ? TensorName : names.Contains(RepeatAttributeName) ? LayerName + "[]" : LayerName;
            if (IsPartialGetOnly(property, out string modifiers) && property.Type.ToDisplayString() == expectedType)
            {
                stubs.Add(new MemberStub(modifiers, "global::" + expectedType, property.Name));
            }
        }
    }

    private void WarnUnused(Scope scope)
    {
        // A block called several times is read once per call: warn once.
        foreach (var member in scope.Members.Where(member => !_called.Contains(member.Property) && _warned.Add(member.Property)))
        {
            Report(DiagnosticDescriptors.GraphUnusedMemberWarning, member.Location, member.Property.Name, scope.Type.Name);
        }
    }

    /// <summary>A block input's dimension that takes any size, fixed by each call: [Input(-1, 128)].</summary>
    private const int AnyLength = -1;

    /// <summary>Whether a call's argument fits a block's declared input (same rank; -1 takes any size).</summary>
    private static bool Fits(Shape declared, Shape actual) =>
        declared.Rank == actual.Rank && Enumerable.Range(0, declared.Rank).All(d => declared.Dimensions[d] == AnyLength || declared.Dimensions[d] == actual.Dimensions[d]);

    private static string Declared(Shape shape) => "(B, " + string.Join(", ", shape.Dimensions.Select(d => d == AnyLength ? "any" : d.ToString(CultureInfo.InvariantCulture))) + ")";

    private static int InputCount(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IPropertySymbol>().Count(property => HasAttribute(property, NetworkParser.InputAttributeName));

    /// <summary>Properties in source order (declaration order across partial files as Roslyn lists them).</summary>
    private static IEnumerable<IPropertySymbol> DeclarationOrder(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IPropertySymbol>()
            .OrderBy(property => property.Locations.FirstOrDefault()?.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(property => property.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0);

    private bool IsPartialGetOnly(IPropertySymbol property, out string modifiers)
    {
        modifiers = "";
        if (property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is not PropertyDeclarationSyntax syntax)
        {
            return false;
        }

        modifiers = syntax.Modifiers.ToString();
        return syntax.Modifiers.Any(SyntaxKind.PartialKeyword)
            && syntax.ExpressionBody is null
            && syntax.Initializer is null
            && syntax.AccessorList is { } accessors
            && accessors.Accessors.Count == 1
            && accessors.Accessors[0].IsKind(SyntaxKind.GetAccessorDeclaration)
            && accessors.Accessors[0].Body is null
            && accessors.Accessors[0].ExpressionBody is null;
    }

    private static bool HasAttribute(ISymbol symbol, string name) =>
        symbol.GetAttributes().Any(data => data.AttributeClass?.ToDisplayString() == name);

    /// <summary>PyTorch's attribute naming: QuestionProj -> question_proj.</summary>
    internal static string Snake(string name)
    {
        var builder = new System.Text.StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool boundary = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
                if (boundary && builder.Length > 0 && builder[builder.Length - 1] != '_')
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Plural(int count, string noun) => count == 1 ? "1 " + noun : count.ToString(CultureInfo.InvariantCulture) + " " + noun + "s";

    private int Add(GraphOp op, int[] arguments, Shape shape, int layer, int[] ints, float scale, string text, string label = "")
    {
        _nodes.Add(new GraphNode(op, EquatableArray.From(arguments), shape, layer, EquatableArray.From(ints), scale, text, label));
        return _nodes.Count - 1;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
    {
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            _failed = true;
        }
    }

    private static string Text(SyntaxNode node)
    {
        string text = string.Join(" ", node.ToString().Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 72 ? text : text.Substring(0, 69) + "...";
    }
}
