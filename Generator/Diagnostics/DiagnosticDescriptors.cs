using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. Ids are never reused: MG0xxx network declaration, MG1xxx layer
/// arguments, MG2xxx shape and loss mismatches, MG3xxx graph models ([Forward] bodies and members). Each is an error (a network with one yields no source), but for
/// the warnings, named so, about classes the generator does not compile.
/// </summary>
internal static partial class DiagnosticDescriptors
{
    private const string HelpLinkBase = "https://github.com/ModelGen/ModelGen/blob/main/Generator/Diagnostics/DiagnosticDescriptors.cs#";
    private const string DeclarationCategory = "ModelGen.Declaration";
    private const string LayerCategory = "ModelGen.Layer";
    private const string ShapeCategory = "ModelGen.Shape";

    /// <summary>MG0001, at the class identifier: "Model class '{0}' must be partial so that the generator can add its passes".</summary>
    public static readonly DiagnosticDescriptor ClassNotPartialError = Create(
        "MG0001", "Model class must be partial", "Model class '{0}' must be partial so that the generator can add its passes", DeclarationCategory);

    /// <summary>
    /// MG0002, at the class identifier: "Model class '{0}' derives from '{1}', but the generator makes it derive from
    /// ModelGen.CompiledModel; remove the base class".
    /// </summary>
    public static readonly DiagnosticDescriptor ClassHasBaseClassError = Create(
        "MG0002", "Model class has a base class", "Model class '{0}' derives from '{1}', but the generator makes it derive from ModelGen.CompiledModel; remove the base class", DeclarationCategory);

    /// <summary>MG0003, at the class identifier: "Model class '{0}' is generic; a model's shapes are fixed at compile time, so remove its type parameters".</summary>
    public static readonly DiagnosticDescriptor ClassGenericError = Create(
        "MG0003", "Model class is generic", "Model class '{0}' is generic; a model's shapes are fixed at compile time, so remove its type parameters", DeclarationCategory);

    /// <summary>MG0004, at the class identifier: "Model class '{0}' is nested in '{1}'; declare it directly in a namespace".</summary>
    public static readonly DiagnosticDescriptor ClassNestedError = Create(
        "MG0004", "Model class is nested", "Model class '{0}' is nested in '{1}'; declare it directly in a namespace", DeclarationCategory);

    /// <summary>MG0005, at the class identifier: "Model class '{0}' is static, but a model is created with new; remove 'static'".</summary>
    public static readonly DiagnosticDescriptor ClassStaticError = Create(
        "MG0005", "Model class is static", "Model class '{0}' is static, but a model is created with new; remove 'static'", DeclarationCategory);

    /// <summary>MG0006, at the class identifier: "Model '{0}' has no [Input]; declare the shape of one sample first, as [Input(30)]".</summary>
    public static readonly DiagnosticDescriptor InputMissingError = Create(
        "MG0006", "Model has no input", "Model '{0}' has no [Input]; declare the shape of one sample first, as [Input(30)]", DeclarationCategory);

    /// <summary>MG0007, at the layer's attribute: "Layer '{0}' ({1}) comes before [Input]; [Input] must be the first layer".</summary>
    public static readonly DiagnosticDescriptor LayerBeforeInputError = Create(
        "MG0007", "Layer before the input", "Layer '{0}' ({1}) comes before [Input]; [Input] must be the first layer", DeclarationCategory);

    /// <summary>MG0008, at the second [Input]: "Model '{0}' declares [Input] again as {1} after {2}; a sequential model has exactly one input".</summary>
    public static readonly DiagnosticDescriptor InputDuplicateError = Create(
        "MG0008", "More than one input", "Model '{0}' declares [Input] again as {1} after {2}; a sequential model has exactly one input", DeclarationCategory);

    /// <summary>MG0009, at the class identifier: "Model '{0}' has no layer after [Input] {1}; add at least one, as [Dense(1)]".</summary>
    public static readonly DiagnosticDescriptor NoLayersError = Create(
        "MG0009", "Model has no layers", "Model '{0}' has no layer after [Input] {1}; add at least one, as [Dense(1)]", DeclarationCategory);

    /// <summary>
    /// MG0010, a warning at the class identifier: "Class '{0}' has layer attributes but no [Model]; add [Model(Loss = ...)]
    /// to generate its passes". Layer attributes ([Input], [Dense], ...) alone do nothing: without this the class would
    /// get no code and no word why.
    /// </summary>
    public static readonly DiagnosticDescriptor LayersWithoutModelWarning = Create(
        "MG0010", "Layer attributes without [Model]", "Class '{0}' has layer attributes but no [Model]; add [Model(Loss = ...)] to generate its passes", DeclarationCategory, DiagnosticSeverity.Warning);

    /// <summary>MG1001, at [Input]: "[Input] of model '{0}' is ({1}); it needs at least one dimension and every dimension must be positive".</summary>
    public static readonly DiagnosticDescriptor InputDimensionNotPositiveError = Create(
        "MG1001", "Input dimension not positive", "[Input] of model '{0}' is ({1}); it needs at least one dimension and every dimension must be positive", LayerCategory);

    /// <summary>MG1002, at [Dense]: "Layer '{0}' (Dense) has {1} units; it needs at least 1".</summary>
    public static readonly DiagnosticDescriptor DenseUnitsNotPositiveError = Create(
        "MG1002", "Dense units not positive", "Layer '{0}' (Dense) has {1} units; it needs at least 1", LayerCategory);

    /// <summary>MG1003, at [Dropout]: "Layer '{0}' (Dropout) has rate {1}; the rate must lie in [0, 1)".</summary>
    public static readonly DiagnosticDescriptor DropoutRateOutOfRangeError = Create(
        "MG1003", "Dropout rate out of range", "Layer '{0}' (Dropout) has rate {1}; the rate must lie in [0, 1)", LayerCategory);

    /// <summary>MG1004, at [BatchNorm]: "Layer '{0}' (BatchNorm) has momentum {1}; the momentum must lie in [0, 1)".</summary>
    public static readonly DiagnosticDescriptor BatchNormMomentumOutOfRangeError = Create(
        "MG1004", "BatchNorm momentum out of range", "Layer '{0}' (BatchNorm) has momentum {1}; the momentum must lie in [0, 1)", LayerCategory);

    /// <summary>MG1005, at [BatchNorm]: "Layer '{0}' (BatchNorm) has epsilon {1}; epsilon must be positive".</summary>
    public static readonly DiagnosticDescriptor BatchNormEpsilonNotPositiveError = Create(
        "MG1005", "BatchNorm epsilon not positive", "Layer '{0}' (BatchNorm) has epsilon {1}; epsilon must be positive", LayerCategory);

    /// <summary>MG1006, at the later layer: "Layer name '{0}' is used by layer {1} ({2}) and layer {3} ({4}); names must be unique in a model".</summary>
    public static readonly DiagnosticDescriptor LayerNameDuplicateError = Create(
        "MG1006", "Duplicate layer name", "Layer name '{0}' is used by layer {1} ({2}) and layer {3} ({4}); names must be unique in a model", LayerCategory);

    /// <summary>
    /// MG1007, at the layer's attribute: "Layer name '{0}' ({1}) is not valid; start with a letter or '_' and use only letters,
    /// digits and '_'" (names become parameter names such as name.weight and constants in the generated code).
    /// </summary>
    public static readonly DiagnosticDescriptor LayerNameInvalidError = Create(
        "MG1007", "Invalid layer name", "Layer name '{0}' ({1}) is not valid; start with a letter or '_' and use only letters, digits and '_'", LayerCategory);

    /// <summary>MG1008, at the attribute: "{0} value {1} is not a member of ModelGen.{0}".</summary>
    public static readonly DiagnosticDescriptor EnumValueUnknownError = Create(
        "MG1008", "Unknown enum value", "{0} value {1} is not a member of ModelGen.{0}", LayerCategory);

    /// <summary>
    /// MG1009, at the layer's attribute: "Layer '{0}' ({1}) has {2} {3}; it must be at least 1". Filters, kernel and
    /// window sizes, and strides of the windowed layers (Conv2D, MaxPool2D, AvgPool2D).
    /// </summary>
    public static readonly DiagnosticDescriptor LayerArgumentNotPositiveError = Create(
        "MG1009", "Layer argument not positive", "Layer '{0}' ({1}) has {2} {3}; it must be at least 1", LayerCategory);

    /// <summary>
    /// MG1010, at the layer's attribute: "Layer '{0}' ({1}) cannot apply {2}: {3}". A softmax normalises the features of
    /// a flat sample, so a layer whose output is a map cannot end in one.
    /// </summary>
    public static readonly DiagnosticDescriptor ActivationNotSupportedError = Create(
        "MG1010", "Activation not supported by the layer", "Layer '{0}' ({1}) cannot apply {2}: {3}", LayerCategory);

    /// <summary>
    /// MG2001, at the layer's attribute: "Layer '{0}' ({1}) expects a 1-D input (B, F) but gets {2}; insert [Flatten] before it".
    /// Dense, BatchNorm and a softmax Activation work on (B, F); Dropout and element-wise activations take any shape.
    /// </summary>
    public static readonly DiagnosticDescriptor LayerNeedsFlatInputError = Create(
        "MG2001", "Layer needs a 1-D input", "Layer '{0}' ({1}) expects a 1-D input (B, F) but gets {2}; insert [Flatten] before it", ShapeCategory);

    /// <summary>
    /// MG2002, at [Model]: "Loss {0} does not fit the output {1} of layer '{2}' ({3} output): {4}". The rules:
    /// BinaryCrossEntropy needs a sigmoid output, or a single output that is not a softmax (a softmax over several
    /// outputs wants CategoricalCrossEntropy; over one it is always 1);
    /// CategoricalCrossEntropy and SparseCategoricalCrossEntropy need a 1-D softmax output of at least 2 classes;
    /// Hinge needs a linear or tanh output (it reads the output's sign); MeanSquaredError fits any output.
    /// The output's activation is the last layer's, seen through a trailing Dropout (the identity at inference).
    /// </summary>
    public static readonly DiagnosticDescriptor LossOutputMismatchError = Create(
        "MG2002", "Loss does not fit the output", "Loss {0} does not fit the output {1} of layer '{2}' ({3} output): {4}", ShapeCategory);

    /// <summary>MG2003, at the layer's attribute: "Layer '{0}' ({1}) makes model '{2}' too large: {3} need {4} floats, more than 2147483647".</summary>
    public static readonly DiagnosticDescriptor ModelTooLargeError = Create(
        "MG2003", "Model too large", "Layer '{0}' ({1}) makes model '{2}' too large: {3} need {4} floats, more than 2147483647", ShapeCategory);

    /// <summary>
    /// MG2004, at the layer's attribute: "Layer '{0}' ({1}) expects feature maps (B, C, H, W) but gets {2}; declare the
    /// input as [Input(channels, height, width)], and keep the layer before any [Flatten] or [Dense]".
    /// </summary>
    public static readonly DiagnosticDescriptor LayerNeedsMapsError = Create(
        "MG2004", "Layer needs feature maps", "Layer '{0}' ({1}) expects feature maps (B, C, H, W) but gets {2}; declare the input as [Input(channels, height, width)], and keep the layer before any [Flatten] or [Dense]", ShapeCategory);

    /// <summary>
    /// MG2005, at the layer's attribute: "Layer '{0}' ({1}) has a {2} window larger than its input {3} ({4} with its
    /// padding), so its output would be empty; use a window of at most {5}{6}". A convolution kernel or a pooling
    /// window must fit its (padded) input.
    /// </summary>
    public static readonly DiagnosticDescriptor WindowLargerThanInputError = Create(
        "MG2005", "Window larger than its input", "Layer '{0}' ({1}) has a {2} window larger than its input {3} ({4} with its padding), so its output would be empty; use a window of at most {5}{6}", ShapeCategory);

    /// <summary>
    /// MG2006, at the layer's attribute: "Layer '{0}' ({1}) expects a sequence (B, T, F) but gets {2}; {3}". The fix
    /// names the recurrent layer before it whose ReturnSequences to set, or says how to declare a sequence input.
    /// </summary>
    public static readonly DiagnosticDescriptor LayerNeedsSequenceError = Create(
        "MG2006", "Layer needs a sequence", "Layer '{0}' ({1}) expects a sequence (B, T, F) but gets {2}; {3}", ShapeCategory);

    /// <summary>
    /// MG2007, at the layer's attribute: "Layer '{0}' (Embedding) comes after '{1}' ({2}); an embedding reads the
    /// model's token ids, so it must be the first layer, right after [Input(steps)]".
    /// </summary>
    public static readonly DiagnosticDescriptor EmbeddingNotFirstError = Create(
        "MG2007", "Embedding is not the first layer", "Layer '{0}' (Embedding) comes after '{1}' ({2}); an embedding reads the model's token ids, so it must be the first layer, right after [Input(steps)]", ShapeCategory);

    /// <summary>
    /// MG2008, at the layer's attribute: "Layer '{0}' (Embedding) expects token ids (B, T) but gets {1}; declare the
    /// input as [Input(steps)], one id per step".
    /// </summary>
    public static readonly DiagnosticDescriptor EmbeddingNeedsIdsError = Create(
        "MG2008", "Embedding needs token ids", "Layer '{0}' (Embedding) expects token ids (B, T) but gets {1}; declare the input as [Input(steps)], one id per step", ShapeCategory);

    /// <summary>
    /// MG1017, at the layer's attribute: "Layer '{0}' ({1}) has {2} = {3}; a regulariser factor must be finite and not
    /// negative, as KernelL2 = 0.01f (Keras' regularizers.L2(0.01))".
    /// </summary>
    public static readonly DiagnosticDescriptor RegularizerOutOfRangeError = Create(
        "MG1017", "Regulariser factor out of range", "Layer '{0}' ({1}) has {2} = {3}; a regulariser factor must be finite and not negative, as KernelL2 = 0.01f (Keras' regularizers.L2(0.01))", LayerCategory);

    private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());
}
