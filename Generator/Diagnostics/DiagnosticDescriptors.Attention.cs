using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Diagnostics;

/// <summary>The attention family's diagnostics: LayerNorm, MultiHeadAttention, PositionEmbedding, FeedForward and GELU.</summary>
internal static partial class DiagnosticDescriptors
{
    /// <summary>MG1011, at [LayerNorm]: "Layer '{0}' (LayerNorm) has epsilon {1}; epsilon must be positive, as Keras' 1e-3".</summary>
    public static readonly DiagnosticDescriptor LayerNormEpsilonNotPositiveError = Create(
        "MG1011", "LayerNorm epsilon not positive", "Layer '{0}' (LayerNorm) has epsilon {1}; epsilon must be positive, as Keras' 1e-3", LayerCategory);

    /// <summary>MG1012, at [MultiHeadAttention]: "Layer '{0}' (MultiHeadAttention) has {1} heads; it needs at least 1, as [MultiHeadAttention(8)]".</summary>
    public static readonly DiagnosticDescriptor AttentionHeadsNotPositiveError = Create(
        "MG1012", "Attention heads not positive", "Layer '{0}' (MultiHeadAttention) has {1} heads; it needs at least 1, as [MultiHeadAttention(8)]", LayerCategory);

    /// <summary>
    /// MG1013, at [MultiHeadAttention]: "Layer '{0}' (MultiHeadAttention) has KeyDim {1}; it must be at least 1, or
    /// left out to use the input width divided by the heads".
    /// </summary>
    public static readonly DiagnosticDescriptor AttentionKeyDimNotPositiveError = Create(
        "MG1013", "Attention KeyDim not positive", "Layer '{0}' (MultiHeadAttention) has KeyDim {1}; it must be at least 1, or left out to use the input width divided by the heads", LayerCategory);

    /// <summary>MG1014, at [MultiHeadAttention]: "Layer '{0}' (MultiHeadAttention) has dropout {1}; the rate must lie in [0, 1)".</summary>
    public static readonly DiagnosticDescriptor AttentionDropoutOutOfRangeError = Create(
        "MG1014", "Attention dropout out of range", "Layer '{0}' (MultiHeadAttention) has dropout {1}; the rate must lie in [0, 1)", LayerCategory);

    /// <summary>
    /// MG1015, at the attribute: "Activation.Gelu is applied only by [Dense] and [FeedForward]; use one of them, or
    /// another activation here". The other kinds' kernels (Conv2D, SimpleRNN, the standalone Activation) have no GELU.
    /// </summary>
    public static readonly DiagnosticDescriptor GeluNotSupportedError = Create(
        "MG1015", "GELU not supported by the layer", "Activation.Gelu is applied only by [Dense] and [FeedForward]; use one of them, or another activation here", LayerCategory);

    /// <summary>
    /// MG2009, at [MultiHeadAttention]: "Layer '{0}' (MultiHeadAttention) has {1} heads, which do not divide the width
    /// {2} of its input {3}; use a number of heads that divides {2} (as {4}), or set KeyDim".
    /// </summary>
    public static readonly DiagnosticDescriptor AttentionHeadsDoNotDivideError = Create(
        "MG2009", "Attention heads do not divide the width", "Layer '{0}' (MultiHeadAttention) has {1} heads, which do not divide the width {2} of its input {3}; use a number of heads that divides {2} (as {4}), or set KeyDim", ShapeCategory);

    /// <summary>
    /// MG2010, at the call: "Layer '{0}' (MultiHeadAttention) takes queries {1} and keys and values {2}; {3}". The keys
    /// and values must be a sequence of the queries' width (one in_proj_weight projects both).
    /// </summary>
    public static readonly DiagnosticDescriptor AttentionInputsMismatchError = Create(
        "MG2010", "Attention inputs do not fit", "Layer '{0}' (MultiHeadAttention) takes queries {1} and keys and values {2}; {3}", ShapeCategory);

    /// <summary>
    /// MG2011, at [PositionEmbedding]: "Layer '{0}' (PositionEmbedding) has {1} positions but its input {2} has {3}
    /// steps; declare it as [PositionEmbedding({3})]".
    /// </summary>
    public static readonly DiagnosticDescriptor PositionEmbeddingLengthMismatchError = Create(
        "MG2011", "Position table does not fit the sequence", "Layer '{0}' (PositionEmbedding) has {1} positions but its input {2} has {3} steps; declare it as [PositionEmbedding({3})]", ShapeCategory);

    /// <summary>MG1016, at the layer's attribute: "Layer '{0}' ({1}) has dropout {2}; the rate must lie in [0, 1)".</summary>
    public static readonly DiagnosticDescriptor InnerDropoutOutOfRangeError = Create(
        "MG1016", "Inner dropout out of range", "Layer '{0}' ({1}) has dropout {2}; the rate must lie in [0, 1)", LayerCategory);
}
