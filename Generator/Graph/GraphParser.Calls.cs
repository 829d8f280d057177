using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>Calls in a [Forward] body: layer members, blocks, and Tensor's operations.</summary>
internal sealed partial class GraphParser
{
    private Value? Invoke(Scope scope, InvocationExpressionSyntax invocation)
    {
        var symbol = scope.Model.GetSymbolInfo(invocation, _cancellationToken).Symbol as IMethodSymbol;
        if (symbol is { IsStatic: true } && symbol.ContainingType.ToDisplayString() == TensorName)
        {
            return TensorMethod(scope, invocation, symbol);
        }

        if (symbol is { MethodKind: MethodKind.DelegateInvoke } && symbol.ContainingType.ToDisplayString() == LayerName)
        {
            var target = Evaluate(scope, invocation.Expression);
            if (target is null)
            {
                return null;
            }

            if (target.Member is not { } member || (member.Repeat > 0 && target.Index < 0))
            {
                return Expression(invocation, scope, target.Member is { } whole ? $"'{whole.Property.Name}' holds {whole.Repeat} layers; call one of them (Blocks[i] in a loop, or foreach)" : "only layer members can be called");
            }

            var arguments = new List<int>();
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                int node = Tensor(scope, argument.Expression);
                if (node < 0)
                {
                    return null;
                }

                arguments.Add(node);
            }

            return Call(scope, member, target.Index, arguments, invocation);
        }

        return Number(scope, invocation, quiet: true) is { } number
            ? Value.Constant(number)
            : Expression(invocation, scope, "only layer members and the static methods of ModelGen.Tensor can be called");
    }

    /// <summary>A call of a layer member (its instance at this path, made on the first call) or a block (inlined).</summary>
    private Value? Call(Scope scope, Member member, int index, List<int> arguments, InvocationExpressionSyntax invocation)
    {
        _called.Add(member.Property);
        var location = LocationInfo.From(invocation);
        string path = scope.Prefix + member.Name + (index >= 0 ? "." + index.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        if (member.Block is { } blockType)
        {
            if (_blocks.Any(open => SymbolEqualityComparer.Default.Equals(open, blockType)))
            {
                Report(DiagnosticDescriptors.GraphBlockError, member.Location, member.Property.Name, scope.Type.Name, blockType.Name, "which contains itself; a block cannot be used inside its own body");
                return null;
            }

            _blocks.Push(blockType);
            var inner = OpenScope(blockType, path + ".", arguments.ToArray(), location);
            int result = inner is null ? -1 : RunBody(inner);
            if (inner is not null && result >= 0)
            {
                WarnUnused(inner);
            }

            _blocks.Pop();
            return result < 0 ? null : Value.Of(result);
        }

        if (member.Unit is { } unit)
        {
            return ExpandUnit(member, unit, path, index, scope.Prefix, arguments, invocation);
        }

        var kind = member.Kind!;
        if (_instanceByPath.TryGetValue(path, out int instance))
        {
            return SharedCall(instance, arguments, location, Text(invocation));
        }

        var parsed = Parsing.RegularizerReader.Apply(kind.Parse(member.Attribute!, path, member.Location, _diagnostics), member.Attribute!, member.Location, _diagnostics);
        if (_diagnostics.Any(diagnostic => diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
        {
            _failed = true;
            return null;
        }

        // A Name on the attribute renames the member's last part; the path of the block stays.
        string memberPath = path;
        if (parsed.Name != path)
        {
            path = scope.Prefix + parsed.Name + (index >= 0 ? "." + index.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
            parsed = parsed with { Name = path };
        }

        if (arguments.Count < 1 || arguments.Count > kind.MaxArguments)
        {
            string takes = kind.MaxArguments == 1 ? "1 input" : $"1 to {kind.MaxArguments} inputs";
            Report(DiagnosticDescriptors.GraphArgumentCountError, location, parsed.Name, parsed.Kind, takes, arguments.Count);
            return null;
        }

        if (kind.TokenVocabulary(parsed) is int vocabulary and > 0)
        {
            var source = _nodes[arguments[0]];
            if (source.Op != GraphOp.Input)
            {
                Report(DiagnosticDescriptors.GraphShapeError, location, Text(invocation), _className, $"embedding '{parsed.Name}' reads token ids, so its argument must be an [Input] member, not a computed tensor {source.Shape.WithBatch}");
                return null;
            }

            int which = source.Ints[0];
            var declared = _inputs[which];
            if (declared.TokenVocabulary > 0 && declared.TokenVocabulary != vocabulary)
            {
                Report(DiagnosticDescriptors.GraphShapeError, location, Text(invocation), _className, $"input '{declared.Name}' is read by '{declared.TokenLayer}' with {declared.TokenVocabulary} token ids and by '{parsed.Name}' with {vocabulary}; give both the same vocabulary");
                return null;
            }

            _inputs[which] = declared with { TokenVocabulary = vocabulary, TokenLayer = declared.TokenLayer.Length > 0 ? declared.TokenLayer : parsed.Name };
        }

        // Keyed by the member's path, so that a renamed member called again finds its instance.
        int node = NewInstance(memberPath, parsed, arguments, location, Text(invocation));
        return node < 0 ? null : Value.Of(node);
    }

    /// <summary>A later call of a layer instance: the same weights, so the same input shapes and no running statistics.</summary>
    private Value? SharedCall(int instance, IReadOnlyList<int> arguments, LocationInfo? location, string text)
    {
        var spec = _layers[instance];
        var input = _nodes[arguments.Count > 0 ? arguments[0] : 0].Shape;
        var extras = arguments.Skip(1).Select(argument => _nodes[argument].Shape).ToList();
        if (input != _layerInputs[instance] || !extras.SequenceEqual(_layerExtras[instance]))
        {
            string first = string.Join(" and ", new[] { _layerInputs[instance] }.Concat(_layerExtras[instance]).Select(shape => shape.WithBatch));
            string now = string.Join(" and ", arguments.Select(argument => _nodes[argument].Shape.WithBatch));
            Report(DiagnosticDescriptors.GraphSharedShapeError, location, spec.Name, spec.Kind, first, now);
            return null;
        }

        if (spec.Layer.StateCount(spec, input) > 0)
        {
            Report(DiagnosticDescriptors.GraphCalledTwiceError, location, spec.Name, spec.Kind);
            return null;
        }

        var shared = _nodes.First(node => node.Op == GraphOp.Layer && node.Layer == instance);
        return Value.Of(Add(GraphOp.Layer, arguments.ToArray(), shared.Shape, instance, [], 0f, text));
    }

    /// <summary>The first call of a layer instance: its output shape inferred, the instance recorded under its path; -1 after reporting.</summary>
    private int NewInstance(string key, LayerSpec parsed, IReadOnlyList<int> arguments, LocationInfo? location, string text)
    {
        var kind = parsed.Layer;
        var input = _nodes[arguments[0]].Shape;
        var extras = arguments.Skip(1).Select(argument => _nodes[argument].Shape).ToList();
        var output = extras.Count == 0
            ? kind.InferShape(parsed, [], input, location, _diagnostics)
            : kind.InferShape(parsed, input, extras, location, _diagnostics);
        if (output is null)
        {
            _failed = true;
            return -1;
        }

        _layers.Add(parsed);
        _layerInputs.Add(input);
        _layerExtras.Add(EquatableArray.From(extras));
        _instanceByPath[key] = _layers.Count - 1;
        return Add(GraphOp.Layer, arguments.ToArray(), output, _layers.Count - 1, [], 0f, text);
    }

    /// <summary>MatMul, Softmax, Transpose, Reshape, Concat, Split and Mean, with their shapes checked.</summary>
    private Value? TensorMethod(Scope scope, InvocationExpressionSyntax invocation, IMethodSymbol method)
    {
        // Arguments by parameter, named or positional, with the declared defaults.
        var byParameter = new Dictionary<string, ExpressionSyntax>();
        var rest = new List<ExpressionSyntax>();
        var arguments = invocation.ArgumentList.Arguments;
        for (int i = 0; i < arguments.Count; i++)
        {
            string? name = arguments[i].NameColon?.Name.Identifier.ValueText;
            if (name is null && i >= method.Parameters.Length - 1 && method.Parameters.Last().IsParams)
            {
                rest.Add(arguments[i].Expression);
                continue;
            }

            byParameter[name ?? method.Parameters[i].Name] = arguments[i].Expression;
        }

        int? IntArgument(string name)
        {
            if (byParameter.TryGetValue(name, out var syntax))
            {
                return Number(scope, syntax) is { } value ? (int)value : null;
            }

            var parameter = method.Parameters.First(p => p.Name == name);
            return parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is int fallback ? fallback : null;
        }

        bool? BoolArgument(string name)
        {
            if (!byParameter.TryGetValue(name, out var syntax))
            {
                return false;
            }

            var constant = scope.Model.GetConstantValue(syntax, _cancellationToken);
            if (constant.HasValue && constant.Value is bool flag)
            {
                return flag;
            }

            Expression(syntax, scope, "a compile-time true or false is needed here");
            return null;
        }

        string text = Text(invocation);
        switch (method.Name)
        {
            case "MatMul":
            {
                int a = Tensor(scope, byParameter["a"]);
                int b = a < 0 ? -1 : Tensor(scope, byParameter["b"]);
                if (b < 0 || BoolArgument("transposeA") is not { } transposeA || BoolArgument("transposeB") is not { } transposeB)
                {
                    return null;
                }

                var sa = _nodes[a].Shape.Dimensions;
                var sb = _nodes[b].Shape.Dimensions;
                if (sa.Count < 2 || sb.Count < 2 || sa.Count != sb.Count || !sa.Take(sa.Count - 2).SequenceEqual(sb.Take(sb.Count - 2)))
                {
                    return Shapes(invocation, $"MatMul multiplies the last two axes and needs the same axes before them, but gets {_nodes[a].Shape.WithBatch} and {_nodes[b].Shape.WithBatch}; Reshape or Transpose one of them");
                }

                int m = transposeA ? sa[sa.Count - 1] : sa[sa.Count - 2];
                int k = transposeA ? sa[sa.Count - 2] : sa[sa.Count - 1];
                int kb = transposeB ? sb[sb.Count - 1] : sb[sb.Count - 2];
                int n = transposeB ? sb[sb.Count - 2] : sb[sb.Count - 1];
                if (k != kb)
                {
                    return Shapes(invocation, $"MatMul of {_nodes[a].Shape.WithBatch}{(transposeA ? " transposed" : "")} and {_nodes[b].Shape.WithBatch}{(transposeB ? " transposed" : "")} needs the inner sizes to match, but they are {k} and {kb}; transpose one operand (transposeA or transposeB) or project it");
                }

                var shape = new Shape(EquatableArray.From(sa.Take(sa.Count - 2).Concat([m, n])));
                return Value.Of(Add(GraphOp.MatMul, [a, b], shape, -1, [transposeA ? 1 : 0, transposeB ? 1 : 0], 0f, text));
            }

            case "Softmax":
            {
                int x = Tensor(scope, byParameter["x"]);
                if (x < 0 || IntArgument("axis") is not { } axis)
                {
                    return null;
                }

                if (SampleAxis(axis, _nodes[x].Shape) is not { } along)
                {
                    return Shapes(invocation, $"Softmax on axis {axis} of {_nodes[x].Shape.WithBatch} needs an axis from 1 to {_nodes[x].Shape.Rank} (or negative from the end); axis 0 is the batch");
                }

                return Value.Of(Add(GraphOp.Softmax, [x], _nodes[x].Shape, -1, [along], 0f, text));
            }

            case "Transpose":
            {
                int x = Tensor(scope, byParameter["x"]);
                if (x < 0 || IntArgument("axis1") is not { } axis1 || IntArgument("axis2") is not { } axis2)
                {
                    return null;
                }

                var shape = _nodes[x].Shape;
                if (SampleAxis(axis1, shape) is not { } first || SampleAxis(axis2, shape) is not { } second || first == second)
                {
                    return Shapes(invocation, $"Transpose({axis1}, {axis2}) of {shape.WithBatch} needs two different axes from 1 to {shape.Rank} (or negative from the end); axis 0 is the batch");
                }

                (first, second) = (System.Math.Min(first, second), System.Math.Max(first, second));
                var dimensions = shape.Dimensions.ToArray();
                (dimensions[first], dimensions[second]) = (dimensions[second], dimensions[first]);
                return Value.Of(Add(GraphOp.Transpose, [x], new Shape(EquatableArray.From(dimensions)), -1, [first, second], 0f, text));
            }

            case "Reshape":
            {
                int x = Tensor(scope, byParameter["x"]);
                if (x < 0)
                {
                    return null;
                }

                var wanted = new List<int>();
                foreach (var dimension in rest)
                {
                    if (Number(scope, dimension) is not { } value)
                    {
                        return null;
                    }

                    wanted.Add((int)value);
                }

                long size = _nodes[x].Shape.Size;
                int unknown = wanted.IndexOf(-1);
                long known = wanted.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
                if (unknown >= 0 && wanted.Count(d => d == -1) == 1 && known > 0 && size % known == 0)
                {
                    wanted[unknown] = (int)(size / known);
                }

                if (wanted.Count == 0 || wanted.Any(d => d < 1) || wanted.Aggregate(1L, (p, d) => p * d) != size)
                {
                    return Shapes(invocation, $"Reshape of {_nodes[x].Shape.WithBatch} ({size} floats per sample) to (B, {string.Join(", ", wanted)}) needs the same number of floats; give the sample's dimensions only (not the batch), at most one -1");
                }

                return Value.Of(Add(GraphOp.Reshape, [x], new Shape(EquatableArray.From(wanted)), -1, [], 0f, text));
            }

            case "Concat":
            {
                if (IntArgument("axis") is not { } axis || Parts(scope, byParameter["parts"]) is not { } parts)
                {
                    return null;
                }

                var shapes = parts.Select(part => _nodes[part].Shape).ToList();
                if (SampleAxis(axis, shapes[0]) is not { } along
                    || shapes.Any(shape => shape.Rank != shapes[0].Rank || Enumerable.Range(0, shape.Rank).Any(d => d != along && shape.Dimensions[d] != shapes[0].Dimensions[d])))
                {
                    return Shapes(invocation, $"Concat on axis {axis} needs parts whose other axes match, but gets {string.Join(", ", shapes.Select(shape => shape.WithBatch))}");
                }

                var dimensions = shapes[0].Dimensions.ToArray();
                dimensions[along] = shapes.Sum(shape => shape.Dimensions[along]);
                return Value.Of(Add(GraphOp.Concat, parts.ToArray(), new Shape(EquatableArray.From(dimensions)), -1, [along], 0f, text));
            }

            case "Split" when method.Parameters[1].Name == "sizes":
            {
                int x = Tensor(scope, byParameter["x"]);
                if (x < 0 || IntArgument("axis") is not { } axis || Sizes(scope, byParameter["sizes"]) is not { } sizes)
                {
                    return null;
                }

                var shape = _nodes[x].Shape;
                if (SampleAxis(axis, shape) is not { } along || sizes.Count == 0 || sizes.Any(size => size < 1) || sizes.Sum() != shape.Dimensions[along])
                {
                    return Shapes(invocation, $"Split of {shape.WithBatch} into sizes [{string.Join(", ", sizes)}] on axis {axis} needs an axis from 1 to {shape.Rank} whose size, {(SampleAxis(axis, shape) is { } a ? shape.Dimensions[a].ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")}, the positive sizes add up to");
                }

                var nodes = new int[sizes.Count];
                int start = 0;
                for (int i = 0; i < sizes.Count; i++)
                {
                    var dimensions = shape.Dimensions.ToArray();
                    dimensions[along] = sizes[i];
                    nodes[i] = Add(GraphOp.Slice, [x], new Shape(EquatableArray.From(dimensions)), -1, [along, start, sizes[i]], 0f, $"{text}[{i}]");
                    start += sizes[i];
                }

                return new Value { Parts = nodes };
            }

            case "Split":
            {
                int x = Tensor(scope, byParameter["x"]);
                if (x < 0 || IntArgument("parts") is not { } count || IntArgument("axis") is not { } axis)
                {
                    return null;
                }

                var shape = _nodes[x].Shape;
                if (SampleAxis(axis, shape) is not { } along || count < 1 || shape.Dimensions[along] % count != 0)
                {
                    return Shapes(invocation, $"Split of {shape.WithBatch} into {count} equal parts on axis {axis} needs an axis from 1 to {shape.Rank} whose size the count divides");
                }

                int length = shape.Dimensions[along] / count;
                var dimensions = shape.Dimensions.ToArray();
                dimensions[along] = length;
                var part = new Shape(EquatableArray.From(dimensions));
                var nodes = Enumerable.Range(0, count).Select(i => Add(GraphOp.Slice, [x], part, -1, [along, i * length, length], 0f, $"{text}[{i}]")).ToArray();
                return new Value { Parts = nodes };
            }

            case "Mean":
            {
                int x = Tensor(scope, byParameter["x"]);
                if (x < 0 || IntArgument("axis") is not { } axis)
                {
                    return null;
                }

                var shape = _nodes[x].Shape;
                if (SampleAxis(axis, shape) is not { } along || shape.Rank < 2)
                {
                    return Shapes(invocation, $"Mean of {shape.WithBatch} on axis {axis} needs a sample axis from 1 to {shape.Rank} of a tensor with at least two sample axes (axis 0 is the batch)");
                }

                var dimensions = shape.Dimensions.Where((_, d) => d != along);
                return Value.Of(Add(GraphOp.Mean, [x], new Shape(EquatableArray.From(dimensions)), -1, [along], 0f, text));
            }

            default:
                return Expression(invocation, scope, $"Tensor.{method.Name} is not compiled");
        }
    }

    /// <summary>The parts of a Concat: a collection expression, an array creation, or a Split's result.</summary>
    private List<int>? Parts(Scope scope, ExpressionSyntax syntax)
    {
        var elements = Elements(syntax);
        if (elements is null)
        {
            return Evaluate(scope, syntax) is { Parts: { } split } ? split.ToList() : _failed ? null : Fail(Expression(syntax, scope, "Concat's parts must be written as [a, b, ...] or come from Split"));
        }

        var parts = new List<int>();
        foreach (var element in elements)
        {
            int node = Tensor(scope, element);
            if (node < 0)
            {
                return null;
            }

            parts.Add(node);
        }

        return parts.Count == 0 ? Fail(Expression(syntax, scope, "Concat needs at least one part")) : parts;
    }

    private static List<int>? Fail(Value? ignored) => null;

    /// <summary>The elements of an array written in place: [a, b], new[] { a, b } or new T[] { a, b }; null otherwise.</summary>
    private static IEnumerable<ExpressionSyntax>? Elements(ExpressionSyntax syntax) => syntax switch
    {
        CollectionExpressionSyntax collection => collection.Elements.OfType<ExpressionElementSyntax>().Select(element => element.Expression),
        ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
        ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
        _ => null,
    };

    /// <summary>Split's sizes: [3, 4] or new[] { 3, 4 }, each a compile-time constant.</summary>
    private List<int>? Sizes(Scope scope, ExpressionSyntax syntax)
    {
        var elements = Elements(syntax);
        if (elements is null)
        {
            return Fail(Expression(syntax, scope, "Split's sizes must be written as [a, b, ...] of constants"));
        }

        var sizes = new List<int>();
        foreach (var element in elements)
        {
            if (Number(scope, element) is not { } size)
            {
                return null;
            }

            sizes.Add((int)size);
        }

        return sizes;
    }

    /// <summary>A PyTorch axis (batch = 0, negative from the end) as a 0-based sample axis, or null when it is not one.</summary>
    private static int? SampleAxis(int axis, Shape shape)
    {
        int normalized = axis < 0 ? axis + shape.Rank + 1 : axis;
        return normalized >= 1 && normalized <= shape.Rank ? normalized - 1 : null;
    }
}
