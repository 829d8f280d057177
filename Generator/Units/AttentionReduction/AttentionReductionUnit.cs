using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Layers.Dense;
using ModelGen.Generator.Layers.Dropout;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Units.AttentionReduction;

/// <summary>[AttentionReduction(outputs, Glimpses, Hidden (0: E), Dropout)].</summary>
internal sealed record AttentionReductionSpec(string Name, int Outputs, int Glimpses, int Hidden, double Dropout) : UnitSpec(Name);

/// <summary>
/// MCAN's attentional reduction (mca.py's AttFlat) of X (T, E) to (outputs): scores = mlp.linear(dropout(relu(
/// mlp.fc.linear(X)))) of (T, g), a softmax over the T positions (padded steps left out), the g weighted sums of the
/// positions (g, E) as one product, flattened and projected by linear_merge.
/// </summary>
internal sealed class AttentionReductionUnit : UnitKind
{
    public static AttentionReductionUnit Instance { get; } = new();

    public override string AttributeName => "ModelGen.AttentionReductionAttribute";

    public override string Kind => "AttentionReduction";

    public override int Arguments => 1;

    public override string ArgumentsText => "1 input (X)";

    public override UnitSpec Parse(AttributeData attribute, string name, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        name = AttributeArguments.NamedString(attribute, "Name") ?? name;
        int outputs = AttributeArguments.Int(attribute, 0, 0);
        int glimpses = AttributeArguments.NamedInt(attribute, "Glimpses", 1);
        int hidden = AttributeArguments.NamedInt(attribute, "Hidden", 0);
        double dropout = AttributeArguments.NamedDouble(attribute, "Dropout", 0.1);
        if (outputs < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, Kind, outputs, "outputs"));
        }

        if (glimpses < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, Kind, glimpses, "glimpses"));
        }

        if (hidden < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, Kind, hidden, "hidden units (0 stands for the width)"));
        }

        if (!(dropout >= 0 && dropout < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InnerDropoutOutOfRangeError, location, name, Kind, dropout));
        }

        return new AttentionReductionSpec(name, outputs, glimpses, hidden, dropout);
    }

    public override int Expand(IUnitBuilder builder, UnitSpec unit, IReadOnlyList<int> arguments)
    {
        var spec = (AttentionReductionSpec)unit;
        var x = builder.ShapeOf(arguments[0]);
        if (x.Rank != 2)
        {
            return builder.Refuse($"AttentionReduction unit '{spec.Name}' weighs the positions of a sequence (B, T, E), but gets {x.WithBatch}; reduce a sequence, such as an SA or GA unit's output");
        }

        int width = x.Dimensions[1];
        int hidden = builder.Layer(new DenseSpec("mlp.fc.linear", spec.Hidden > 0 ? spec.Hidden : width, ActivationFunction.ReLU), arguments[0]);
        int dropped = hidden < 0 ? -1 : builder.Layer(new DropoutSpec("mlp.dropout", spec.Dropout), hidden);
        int scores = dropped < 0 ? -1 : builder.Layer(new DenseSpec("mlp.linear", spec.Glimpses, ActivationFunction.Linear), dropped);
        int weights = scores < 0 ? -1 : builder.Softmax(scores, 0);
        int pooled = weights < 0 ? -1 : builder.MatMul(weights, arguments[0], transposeA: true, transposeB: false);
        int flat = pooled < 0 ? -1 : builder.Reshape(pooled, spec.Glimpses * width);
        return flat < 0 ? -1 : builder.Layer(new DenseSpec("linear_merge", spec.Outputs, ActivationFunction.Linear), flat);
    }
}
