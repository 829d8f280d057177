using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;
using ModelGen.Generator.Units;

namespace ModelGen.Generator.Graph;

/// <summary>Calls of unit members ([SA], [GA], [SGA], [AttentionReduction]): expanded in place into layers and operations.</summary>
internal sealed partial class GraphParser
{
    /// <summary>
    /// Expands one call of a unit member at <paramref name="path"/> (renamed by the attribute's Name): its sub-layers
    /// are instances under that path, shared by every call of the member as a layer's weights are.
    /// </summary>
    private Value? ExpandUnit(Member member, UnitKind unit, string path, int index, string prefix, List<int> arguments, InvocationExpressionSyntax invocation)
    {
        var location = LocationInfo.From(invocation);
        var spec = unit.Parse(member.Attribute!, path, member.Location, _diagnostics);
        if (_diagnostics.Any(diagnostic => diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
        {
            _failed = true;
            return null;
        }

        if (spec.Name != path)
        {
            spec = spec with { Name = prefix + spec.Name + (index >= 0 ? "." + index.ToString(CultureInfo.InvariantCulture) : "") };
        }

        if (arguments.Count != unit.Arguments)
        {
            Report(DiagnosticDescriptors.GraphArgumentCountError, location, spec.Name, unit.Kind, unit.ArgumentsText, arguments.Count);
            return null;
        }

        int output = unit.Expand(new UnitBuilder(this, spec.Name, location, Text(invocation)), spec, arguments);
        return output < 0 ? null : Value.Of(output);
    }

    /// <summary>The parser's nodes and layer instances, as one unit's expansion may add them.</summary>
    private sealed class UnitBuilder(GraphParser parser, string name, LocationInfo? location, string call) : IUnitBuilder
    {
        public Shape ShapeOf(int node) => parser._nodes[node].Shape;

        public int Layer(LayerSpec spec, params int[] arguments)
        {
            string path = name + "." + spec.Name;
            string text = $"{call}: {spec.Name}";
            if (parser._instanceByPath.TryGetValue(path, out int instance))
            {
                return parser.SharedCall(instance, arguments, location, text)?.Node ?? -1;
            }

            return parser.NewInstance(path, spec with { Name = path }, arguments, location, text);
        }

        private int _sums;

        public int Add(int a, int b) => parser.Add(GraphOp.Add, [a, b], ShapeOf(a), -1, [], 0f, $"{call}: residual", $"{name}.add{++_sums}");

        public int Softmax(int x, int axis) => parser.Add(GraphOp.Softmax, [x], ShapeOf(x), -1, [axis], 0f, $"{call}: softmax over axis {axis + 1}", $"{name}.softmax");

        public int MatMul(int a, int b, bool transposeA, bool transposeB)
        {
            var sa = ShapeOf(a).Dimensions;
            var sb = ShapeOf(b).Dimensions;
            int m = transposeA ? sa[sa.Count - 1] : sa[sa.Count - 2];
            int n = transposeB ? sb[sb.Count - 2] : sb[sb.Count - 1];
            var shape = new Shape(EquatableArray.From(sa.Take(sa.Count - 2).Concat([m, n])));
            return parser.Add(GraphOp.MatMul, [a, b], shape, -1, [transposeA ? 1 : 0, transposeB ? 1 : 0], 0f, $"{call}: weighted sum", $"{name}.weighted_sum");
        }

        public int Reshape(int x, params int[] dimensions) =>
            parser.Add(GraphOp.Reshape, [x], new Shape(EquatableArray.From(dimensions)), -1, [], 0f, $"{call}: flatten", $"{name}.flatten");

        public int Refuse(string why)
        {
            parser.Report(DiagnosticDescriptors.GraphShapeError, location, call, parser._className, why);
            return -1;
        }
    }
}
