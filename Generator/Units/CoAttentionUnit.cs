using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Layers.Dropout;
using ModelGen.Generator.Layers.FeedForward;
using ModelGen.Generator.Layers.LayerNorm;
using ModelGen.Generator.Layers.MultiHeadAttention;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Units;

/// <summary>[SA], [GA] or [SGA]: heads, the feed-forward's hidden units (0: 4 E), dropout and the norms' epsilon.</summary>
internal sealed record CoAttentionSpec(string Name, int Heads, int Hidden, double Dropout, double Epsilon) : UnitSpec(Name);

/// <summary>
/// What MCAN's SA, GA and SGA share (mca.py): the attribute's arguments, the check of X and the guide Y, and the
/// residual sub-layers they are made of, <c>norm(x + dropout(sublayer(x)))</c>.
/// </summary>
internal abstract class CoAttentionUnit : UnitKind
{
    public override string ArgumentsText => Arguments == 1 ? "1 input (X)" : "2 inputs (X, then the guide Y)";

    /// <summary>Reads [SA(heads, Hidden = ..., Dropout = ..., Epsilon = ..., Name = ...)] and its kin.</summary>
    public override UnitSpec Parse(AttributeData attribute, string name, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        name = AttributeArguments.NamedString(attribute, "Name") ?? name;
        int heads = AttributeArguments.Int(attribute, 0, 0);
        int hidden = AttributeArguments.NamedInt(attribute, "Hidden", 0);
        double dropout = AttributeArguments.NamedDouble(attribute, "Dropout", 0.1);
        double epsilon = AttributeArguments.NamedDouble(attribute, "Epsilon", 1e-6);
        if (heads < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, Kind, heads, "heads"));
        }

        if (hidden < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, Kind, hidden, "hidden units (0 stands for 4 times the width)"));
        }

        if (!(dropout >= 0 && dropout < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InnerDropoutOutOfRangeError, location, name, Kind, dropout));
        }

        if (!(epsilon > 0))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNormEpsilonNotPositiveError, location, name, epsilon));
        }

        return new CoAttentionSpec(name, heads, hidden, dropout, epsilon);
    }

    /// <summary>Checks X (T, E), and the guide Y (S, E) of the same width when the unit takes one; false after refusing.</summary>
    protected bool Check(IUnitBuilder builder, CoAttentionSpec spec, IReadOnlyList<int> arguments)
    {
        var x = builder.ShapeOf(arguments[0]);
        if (x.Rank != 2 || x.Dimensions[1] % spec.Heads != 0)
        {
            builder.Refuse($"{Kind} unit '{spec.Name}' needs X as a sequence (B, T, E) whose width E is a multiple of its {spec.Heads} heads, but gets {x.WithBatch}; "
                + (x.Rank != 2 ? "give it steps and features ([Input(steps, features)], or an Embedding over token ids)" : $"project X to a width divisible by {spec.Heads} with a Dense first, or change the heads"));
            return false;
        }

        if (arguments.Count > 1)
        {
            var y = builder.ShapeOf(arguments[1]);
            if (y.Rank != 2 || y.Dimensions[1] != x.Dimensions[1])
            {
                builder.Refuse($"{Kind} unit '{spec.Name}' needs the guide Y as a sequence (B, S, E) of X's width {x.Dimensions[1]}, but gets X {x.WithBatch} and Y {y.WithBatch}; project both to one width with a Dense");
                return false;
            }
        }

        return true;
    }

    /// <summary>norm(x + dropout(attention(x, guide...))): one of mca.py's residual sub-layers with its attention.</summary>
    protected static int AttentionSublayer(IUnitBuilder builder, CoAttentionSpec spec, string attention, string index, int x, params int[] guide)
    {
        int attended = builder.Layer(new MultiHeadAttentionSpec(attention, spec.Heads, 0, spec.Dropout), [x, .. guide]);
        return Residual(builder, spec, index, x, attended);
    }

    /// <summary>norm(x + dropout(ffn(x))): the feed-forward sub-layer, ReLU with dropout inside as MCAN's FFN.</summary>
    protected static int FeedForwardSublayer(IUnitBuilder builder, CoAttentionSpec spec, string index, int x)
    {
        int width = builder.ShapeOf(x).Dimensions[1];
        int hidden = spec.Hidden > 0 ? spec.Hidden : 4 * width;
        int transformed = builder.Layer(new FeedForwardSpec("ffn", hidden, ActivationFunction.ReLU, (float)spec.Dropout), x);
        return Residual(builder, spec, index, x, transformed);
    }

    private static int Residual(IUnitBuilder builder, CoAttentionSpec spec, string index, int x, int branch)
    {
        if (branch < 0)
        {
            return -1;
        }

        int dropped = builder.Layer(new DropoutSpec("dropout" + index, spec.Dropout), branch);
        int sum = dropped < 0 ? -1 : builder.Add(x, dropped);
        return sum < 0 ? -1 : builder.Layer(new LayerNormSpec("norm" + index, spec.Epsilon), sum);
    }

    protected static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
