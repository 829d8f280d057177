using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Emit;

/// <summary>One layer placed in the memory plan: its buffers by constant name and what its backward pass does.</summary>
internal sealed class LayerPlan
{
    public LayerPlan(LayerSpec spec, int index, string id, Shape input, Shape output)
    {
        Spec = spec;
        Index = index;
        Id = id;
        Input = input;
        Output = output;
    }

    public LayerSpec Spec { get; }

    /// <summary>The layer's kind, which plans and emits it.</summary>
    public LayerKind Kind => Spec.Layer;

    /// <summary>Whether this is the network's last layer (its output is the model's output).</summary>
    public bool IsLast { get; set; }

    public int Index { get; }

    /// <summary>The prefix of the layer's constants (Dense0).</summary>
    public string Id { get; }

    public Shape Input { get; }

    public Shape Output { get; }

    public int InputWidth => (int)Input.Size;

    public int OutputWidth => (int)Output.Size;

    /// <summary>The activation slot the layer reads.</summary>
    public string InputSlot { get; set; } = "";

    /// <summary>
    /// The slot holding the layer's input at inference: <see cref="InputSlot"/>, unless the layer before is a dropout
    /// that inference skips, whose own input it then reads.
    /// </summary>
    public string InferenceInputSlot { get; set; } = "";

    /// <summary>What Forward reads in both modes: the input slot, or a choice on <c>training</c> when they differ.</summary>
    public string ForwardInput => InputSlot == InferenceInputSlot ? InputSlot : $"training ? {InputSlot} : {InferenceInputSlot}";

    /// <summary>For a Dropout layer: inference does nothing and the next layer reads the dropout's input.</summary>
    public bool SkippedAtInference { get; set; }

    /// <summary>The activation slot holding the layer's result (OutputSlot for the last layer).</summary>
    public string OutputSlot { get; set; } = "";

    /// <summary>For a Dense layer whose activation is fused into the loss: where it keeps the logits.</summary>
    public string? LogitsSlot { get; set; }

    /// <summary>Per-sample scratch slots a kind places for itself (Conv2D's patches, MaxPool2D's arg-max), in its own order.</summary>
    public System.Collections.Generic.List<string> ScratchSlots { get; } = [];

    /// <summary>
    /// The layer's output is a ReLU's and the next layer's backward applies the ReLU's derivative (a max pool routes
    /// dy only where its pooled output is positive): this layer's backward starts below the ReLU.
    /// </summary>
    public bool ReluBackwardDoneByNext { get; set; }

    /// <summary>For a layer that applies the previous layer's ReLU derivative in its own backward (see <see cref="ReluBackwardDoneByNext"/>).</summary>
    public bool FusesPreviousRelu { get; set; }

    /// <summary>
    /// For a layer that runs the dropout right after it inside its own kernels (a batch norm: one fused call in training,
    /// the mask applied to dy in its backward): that dropout.
    /// </summary>
    public LayerPlan? FusedDropout { get; set; }

    /// <summary>For a Dropout layer whose training forward and backward the layer before runs (see <see cref="FusedDropout"/>).</summary>
    public bool RunByPrevious { get; set; }

    /// <summary>The (B, T) padding mask slot of the layer's input steps (from an embedding with MaskZero), or null.</summary>
    public string? SequenceMask { get; set; }

    /// <summary>
    /// In a graph model, a call's inputs after the first (attention's keys and values), each with its slot, its (B, T)
    /// padding mask slot or null, and the gradient slot the layer's backward overwrites with that input's gradient
    /// (null when nothing below it learns). Set by the graph planner before PlaceForward; empty in sequential models.
    /// </summary>
    public System.Collections.Generic.List<ExtraInput> ExtraInputs { get; } = [];

    /// <summary>For a Dropout layer: its mask.</summary>
    public string? MaskSlot { get; set; }

    /// <summary>The final activation is fused into the loss: backward starts below it.</summary>
    public bool FusedIntoLoss { get; set; }

    /// <summary>The layer's output gradient is the loss's gradient with respect to the logits.</summary>
    public bool ReceivesLogitGradient { get; set; }

    /// <summary>Whether Backward emits anything for this layer (no trainable layer at or before it: nothing to do).</summary>
    public bool RunsBackward { get; set; }

    /// <summary>Whether a trainable layer lies before this one, so the input gradient is needed.</summary>
    public bool NeedsInputGradient { get; set; }

    /// <summary>The gradient slot of the layer's output (or logits).</summary>
    public string? OutputGradient { get; set; }

    /// <summary>The gradient slot of the layer's input (the same slot as <see cref="OutputGradient"/> when computed in place).</summary>
    public string? InputGradient { get; set; }
}

/// <summary>An input of a layer call after the first (see <see cref="LayerPlan.ExtraInputs"/>).</summary>
internal sealed class ExtraInput(Shape shape, string slot, string? mask)
{
    public Shape Shape { get; } = shape;

    public int Width => (int)Shape.Size;

    public string Slot { get; } = slot;

    public string? Mask { get; } = mask;

    /// <summary>The gradient slot the layer's backward overwrites, or null when the input needs no gradient.</summary>
    public string? Gradient { get; set; }
}
