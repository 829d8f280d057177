using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers;

/// <summary>
/// Everything the spine needs to know about one kind of layer, from its attribute to its backward pass. Each kind
/// implements it in its own folder (Layers/&lt;Kind&gt;/) as one sealed partial class over its aspect files (Parse,
/// Shape, Plan, Emit) and is listed once in <see cref="LayerRegistry"/>; the parser, the shape checker, the summary,
/// the memory plan and the emitter only ever call these members. Instances are stateless singletons.
/// </summary>
internal abstract class LayerKind
{
    /// <summary>The attribute's metadata name: ModelGen.DenseAttribute.</summary>
    public abstract string AttributeName { get; }

    /// <summary>Keras' default name stem, numbered per kind from 0: dense, conv.</summary>
    public abstract string DefaultNamePrefix { get; }

    // ---- Parse: attribute -> spec (no symbol leaves this call).

    /// <summary>Reads the attribute into the kind's spec, reporting invalid arguments at <paramref name="location"/>.</summary>
    public abstract LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics);

    // ---- Shape: per-sample output shape, sizes and cost.

    /// <summary>The per-sample output shape for <paramref name="input"/>, or null after reporting why the layer cannot take it.</summary>
    public abstract Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics);

    /// <summary>
    /// The output shape when the layers before matter to the diagnosis (a recurrent layer names the one whose
    /// ReturnSequences to set; an embedding must come first): <paramref name="before"/> are the specs before this
    /// layer in order. By default the plain <see cref="InferShape(LayerSpec, Shape, LocationInfo?, List{DiagnosticInfo})"/>.
    /// </summary>
    public virtual Shape? InferShape(LayerSpec spec, IReadOnlyList<LayerSpec> before, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        InferShape(spec, input, location, diagnostics);

    /// <summary>
    /// The most tensors a call of the layer takes in a graph model's [Forward] body (attention: queries, then keys and
    /// values); 1 for most kinds. The inputs after the first reach the plan as <see cref="LayerPlan.ExtraInputs"/>.
    /// </summary>
    public virtual int MaxArguments => 1;

    /// <summary>
    /// The output shape for a call with several inputs (<paramref name="extra"/>: the shapes after the first), or null
    /// after reporting why the layer cannot take them. Only called when there are extra inputs; by default refuses
    /// none, as <see cref="MaxArguments"/> already bounds their count.
    /// </summary>
    public virtual Shape? InferShape(LayerSpec spec, Shape input, IReadOnlyList<Shape> extra, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        InferShape(spec, input, location, diagnostics);

    /// <summary>For a first layer over token ids (an embedding): how many ids it takes; 0 for plain features.</summary>
    public virtual int TokenVocabulary(LayerSpec spec) => 0;

    /// <summary>Trainable floats (weights, biases, gamma and beta).</summary>
    public virtual long TrainableCount(LayerSpec spec, Shape input) => 0;

    /// <summary>Non-trainable floats kept with the weights (running statistics).</summary>
    public virtual long StateCount(LayerSpec spec, Shape input) => 0;

    /// <summary>The summary's FLOPs of one sample's inference pass.</summary>
    public abstract long FlopsPerSample(LayerSpec spec, Shape input);

    /// <summary>
    /// The summary's FLOPs of one sample's inference pass for a call with several inputs (<paramref name="extra"/>: the
    /// shapes after the first, attention's keys and values); by default those of the first input alone.
    /// </summary>
    public virtual long FlopsPerSample(LayerSpec spec, Shape input, IReadOnlyList<Shape> extra) => FlopsPerSample(spec, input);

    /// <summary>Whether the layer has trainable parameters (then the chain below it needs gradients).</summary>
    public virtual bool IsTrainable => false;

    /// <summary>
    /// The activation that gives this layer's output its meaning when it ends the network, or null when the layer is
    /// transparent to that question (a dropout: the identity at inference) and the layer before decides.
    /// </summary>
    public virtual ActivationFunction? OutputActivation(LayerSpec spec) => ActivationFunction.Linear;

    /// <summary>The final activation a loss may fuse with when this layer ends the network (Linear: none).</summary>
    public virtual ActivationFunction FusableActivation(LayerSpec spec) => ActivationFunction.Linear;

    /// <summary>The layer's summary description in generated comments: Dense(64, ReLU).</summary>
    public abstract string Describe(LayerSpec spec);

    // ---- Plan: parameters, fixed scratch and activation slots.

    /// <summary>The layer's tensors with PyTorch's names and layouts and their initialisers; offsets are placed by the plan.</summary>
    public virtual IEnumerable<PlannedParameter> Parameters(LayerPlan layer) => [];

    /// <summary>Per-model (not per-sample) scratch, such as saved batch statistics: name, floats and a comment.</summary>
    public virtual IEnumerable<(string Name, int Length, string Comment)> FixedScratch(LayerPlan layer) => [];

    /// <summary>Places the layer's per-sample forward slots (scratch, then output) and sets its output slot.</summary>
    public virtual void PlaceForward(NetworkPlan plan, LayerPlan layer) => layer.OutputSlot = plan.AddOutputSlot(layer, "");

    /// <summary>
    /// Whether the layer's output is a ReLU's that the layer applies itself, and whose backward (the first step of the
    /// layer's own backward) the next layer may take over.
    /// </summary>
    public virtual bool EndsInRelu(LayerPlan layer) => false;

    /// <summary>Lets a layer take over work of the one before it (both planned); by default nothing.</summary>
    public virtual void FuseWithPrevious(LayerPlan layer, LayerPlan previous)
    {
    }

    /// <summary>Whether the layer can run a dropout that follows it inside its own training and backward kernels.</summary>
    public virtual bool TakesDropout(LayerPlan layer) => false;

    /// <summary>
    /// The (B, T) padding mask the layer's output steps carry, given <paramref name="mask"/>, the one its input steps
    /// carry (null: none), as Keras propagates masks: kept by a layer that keeps the steps ((T, F) in, (T, G) out, a
    /// Dense or a Dropout on sequences, a recurrent layer returning sequences), dropped by one that does not (a
    /// recurrent layer returning its last state consumes it). An embedding with MaskZero starts one.
    /// </summary>
    public virtual string? MaskAfter(LayerPlan layer, string? mask) =>
        mask is not null && layer.Input.Rank == 2 && layer.Output.Rank == 2 && layer.Input.Dimensions[0] == layer.Output.Dimensions[0] ? mask : null;

    /// <summary>Whether inference may skip the layer, the next one reading its input (a dropout).</summary>
    public virtual bool IsIdentityAtInference => false;

    /// <summary>
    /// Whether Backward emits a step for the layer, given that a trainable layer lies at or below it (an activation
    /// fused into the loss has none: the loss gave its input's gradient).
    /// </summary>
    public virtual bool RunsBackward(LayerPlan layer) => true;

    /// <summary>
    /// Plans the layer's input gradient given <paramref name="current"/>, the buffer holding its output gradient,
    /// and returns the buffer holding the input gradient for the layer below. By default a new buffer of the
    /// input's width, only when a trainable layer lies below.
    /// </summary>
    public virtual GradientBuffer PlanBackward(NetworkPlan plan, LayerPlan layer, GradientBuffer current, int step, string inputGradient)
    {
        if (!layer.NeedsInputGradient)
        {
            return current;
        }

        var buffer = plan.NewBuffer(layer.InputWidth, step, inputGradient);
        layer.InputGradient = buffer.Constant;
        return buffer;
    }

    /// <summary>For kinds whose backward works in place: the input gradient overwrites the output gradient's buffer.</summary>
    protected static GradientBuffer InPlace(LayerPlan layer, GradientBuffer current, string inputGradient)
    {
        current.Gradients.Add(inputGradient + " in place");
        layer.InputGradient = current.Constant;
        return current;
    }

    // ---- Emit: one or a few kernel calls per pass.

    /// <summary>Writes the layer's Forward step: a comment naming it and its shapes, then its kernel calls.</summary>
    public abstract void EmitForward(IndentedTextWriter writer, LayerPlan layer);

    /// <summary>Writes the layer's Backward step (parameter gradients accumulate, input gradients overwrite).</summary>
    public virtual void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
    }

    // ---- ONNX: the inference graph, for CompiledModel.ExportOnnx.

    /// <summary>
    /// Writes the layer's ONNX nodes into the generated <c>BuildOnnx</c>: statements over the graph <c>g</c> that take the
    /// value named by the local <c>x</c> (the layer's input, batch first, then <see cref="LayerPlan.Input"/>) to the layer's
    /// output at inference and leave its name in <c>x</c>, each node named after the layer (see <see cref="OnnxEmit"/>).
    /// Abstract, so that a kind cannot be added without saying how it exports: a kind with no ONNX form yet writes
    /// <see cref="OnnxEmit.Unsupported"/>, which refuses the export at run time with the kind's name.
    /// </summary>
    public abstract void EmitOnnx(IndentedTextWriter writer, LayerPlan layer);
}
