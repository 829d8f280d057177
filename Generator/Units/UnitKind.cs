using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Units;

/// <summary>
/// A unit: a layer attribute that stands for a whole [Forward] body of other layers (MCAN's SA, GA, SGA and its
/// attentional reduction). A call of the member is expanded in place, through <see cref="IUnitBuilder"/>, into the
/// layer calls and tensor operations that body would compile to, so a unit's weights, masks, summary lines and
/// backward pass are exactly those of the body written out. Each unit lives in its own folder (Units/&lt;Unit&gt;/) and
/// is listed once in <see cref="UnitRegistry"/>. Instances are stateless singletons.
/// </summary>
internal abstract class UnitKind
{
    /// <summary>The attribute's metadata name: ModelGen.SAAttribute.</summary>
    public abstract string AttributeName { get; }

    /// <summary>The unit's name in messages: SA.</summary>
    public abstract string Kind { get; }

    /// <summary>How many tensors a call takes: 1 (SA, the reduction) or 2 (GA and SGA: X, then the guide Y).</summary>
    public abstract int Arguments { get; }

    /// <summary>What a call's arguments are, for the argument-count diagnostic: "1 input (X)".</summary>
    public abstract string ArgumentsText { get; }

    /// <summary>Reads the attribute, reporting invalid arguments at <paramref name="location"/>; <paramref name="name"/> is the member's path.</summary>
    public abstract UnitSpec Parse(AttributeData attribute, string name, LocationInfo? location, List<DiagnosticInfo> diagnostics);

    /// <summary>
    /// Adds the unit's nodes for one call on <paramref name="arguments"/> and returns its output node, or -1 after the
    /// builder reported why the call cannot compile.
    /// </summary>
    public abstract int Expand(IUnitBuilder builder, UnitSpec spec, IReadOnlyList<int> arguments);
}

/// <summary>A unit's parsed attribute. Only lives while a [Forward] body compiles.</summary>
internal abstract record UnitSpec(string Name);

/// <summary>
/// What a unit may add to the graph while it expands. Layer names are relative to the unit (<c>mhatt</c> becomes
/// <c>encoder.0.mhatt</c>); a unit called again reuses its layers, so the calls share their weights as any member does.
/// Every method returns the new node, or -1 once the call failed (and was reported).
/// </summary>
internal interface IUnitBuilder
{
    /// <summary>The per-sample shape of a node.</summary>
    Shape ShapeOf(int node);

    /// <summary>A call of the layer <paramref name="spec"/> (named relative to the unit) on the argument nodes.</summary>
    int Layer(LayerSpec spec, params int[] arguments);

    /// <summary>a + b, of the same shape (masks merged as for '+' in a body).</summary>
    int Add(int a, int b);

    /// <summary>Softmax over 0-based sample axis <paramref name="axis"/>; over the steps it leaves padded steps out.</summary>
    int Softmax(int x, int axis);

    /// <summary>op(a) op(b) over the last two axes.</summary>
    int MatMul(int a, int b, bool transposeA, bool transposeB);

    /// <summary>The same floats in another per-sample shape.</summary>
    int Reshape(int x, params int[] dimensions);

    /// <summary>Reports, at the call, why the unit cannot take its arguments (the message names the unit and both shapes); returns -1.</summary>
    int Refuse(string why);
}
