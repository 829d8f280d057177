using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Diagnostics;

/// <summary>Graph models: the members and the [Forward] body (MG3xxx).</summary>
internal static partial class DiagnosticDescriptors
{
    private const string GraphCategory = "ModelGen.Graph";

    /// <summary>MG3001, at the statement: "The [Forward] body of '{0}' cannot contain {1}; ...".</summary>
    public static readonly DiagnosticDescriptor GraphStatementError = Create(
        "MG3001", "Statement not compiled", "The [Forward] body of '{0}' cannot contain {1}; the generator compiles locals, assignments, calls of layer members, tensor operators, Tensor's methods, for and foreach loops with a constant count, and a return of the output", GraphCategory);

    /// <summary>MG3002, at the expression: "'{0}' in the [Forward] body of '{1}' cannot be compiled: {2}".</summary>
    public static readonly DiagnosticDescriptor GraphExpressionError = Create(
        "MG3002", "Expression not compiled", "'{0}' in the [Forward] body of '{1}' cannot be compiled: {2}", GraphCategory);

    /// <summary>MG3003, at the expression: "'{0}' in '{1}' does not fit: {2}" (both shapes and a fix in {2}).</summary>
    public static readonly DiagnosticDescriptor GraphShapeError = Create(
        "MG3003", "Shapes do not fit", "'{0}' in '{1}' does not fit: {2}", GraphCategory);

    /// <summary>MG3004, at the class: "Model class '{0}' {1}".</summary>
    public static readonly DiagnosticDescriptor GraphForwardError = Create(
        "MG3004", "Graph model needs one [Forward] method", "Model class '{0}' {1}", GraphCategory);

    /// <summary>MG3005, at the member: "Member '{0}' of '{1}' must be declared as '{2}' so that the generator can implement it".</summary>
    public static readonly DiagnosticDescriptor GraphMemberError = Create(
        "MG3005", "Member must be a partial property", "Member '{0}' of '{1}' must be declared as '{2}' so that the generator can implement it", GraphCategory);

    /// <summary>MG3006, at the call: "Layer '{0}' ({1}) takes {2} but the call passes {3}".</summary>
    public static readonly DiagnosticDescriptor GraphArgumentCountError = Create(
        "MG3006", "Wrong number of layer inputs", "Layer '{0}' ({1}) takes {2} but the call passes {3}", GraphCategory);

    /// <summary>MG3007, at the call: "Layer '{0}' ({1}) was first called with {2} and is called here with {3}; ...".</summary>
    public static readonly DiagnosticDescriptor GraphSharedShapeError = Create(
        "MG3007", "Shared layer called with another shape", "Layer '{0}' ({1}) was first called with {2} and is called here with {3}; a member shares its weights across calls, so every call needs the same shapes: declare another member", GraphCategory);

    /// <summary>MG3008, at the call: "Layer '{0}' ({1}) keeps statistics of its call for the backward pass and cannot be called twice; declare a second member".</summary>
    public static readonly DiagnosticDescriptor GraphCalledTwiceError = Create(
        "MG3008", "Layer cannot be called twice", "Layer '{0}' ({1}) keeps statistics of its call for the backward pass and cannot be called twice; declare a second member", GraphCategory);

    /// <summary>MG3009, at the member: "[Block] member '{0}' of '{1}' uses '{2}', {3}".</summary>
    public static readonly DiagnosticDescriptor GraphBlockError = Create(
        "MG3009", "Block is not a graph model", "[Block] member '{0}' of '{1}' uses '{2}', {3}", GraphCategory);

    /// <summary>MG3010 (warning), at the member: "Layer member '{0}' of '{1}' is never called in the [Forward] body, so it has no weights".</summary>
    public static readonly DiagnosticDescriptor GraphUnusedMemberWarning = Create(
        "MG3010", "Layer member never called", "Layer member '{0}' of '{1}' is never called in the [Forward] body, so it has no weights", GraphCategory, DiagnosticSeverity.Warning);
}
