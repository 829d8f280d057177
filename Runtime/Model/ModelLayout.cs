using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Everything the runtime needs to know about a compiled network, emitted as constants by the generator:
/// shapes, the loss, the parameter layout and the static memory plan.
/// </summary>
/// <remarks>
/// The arena of a model with batch capacity C is laid out as
/// <c>[trainable P | state S | gradients P | optimizer slot 1 P | optimizer slot 2 P | scratch | activations A * C]</c>,
/// every region at a constant offset; an activation buffer lives at
/// <see cref="ActivationBase"/> + its per-sample offset * C and holds up to C rows.
/// </remarks>
public sealed record ModelLayout
{
    /// <summary>The model class name.</summary>
    public required string Name { get; init; }

    /// <summary>Shape of one input sample.</summary>
    public required int[] InputShape { get; init; }

    /// <summary>Shape of one output sample.</summary>
    public required int[] OutputShape { get; init; }

    /// <summary>The training loss.</summary>
    public required LossKind Loss { get; init; }

    /// <summary>The activation of the last layer (the output's meaning: probabilities after sigmoid or softmax).</summary>
    public required ActivationKind OutputActivation { get; init; }

    /// <summary>Every parameter and state tensor, in layout order.</summary>
    public required ParameterInfo[] Parameters { get; init; }

    /// <summary>The layers for the summary table.</summary>
    public required LayerInfo[] Layers { get; init; }

    /// <summary>Number of trainable floats, P.</summary>
    public required int TrainableCount { get; init; }

    /// <summary>Number of non-trainable state floats, S (BatchNorm running statistics).</summary>
    public required int StateCount { get; init; }

    /// <summary>Offset of the gradient region (P + S); a parameter's gradient sits at GradientBase + its offset.</summary>
    public required int GradientBase { get; init; }

    /// <summary>Offsets of the three optimizer state slots, P floats each.</summary>
    public required int OptimizerSlot1 { get; init; }

    /// <summary>Offset of the second optimizer state slot.</summary>
    public required int OptimizerSlot2 { get; init; }

    /// <summary>Offset of the third optimizer state slot (AMSGrad's running maximum, centred RMSprop's mean gradient).</summary>
    public required int OptimizerSlot3 { get; init; }

    /// <summary>Offset of one float the loss kernel writes.</summary>
    public required int LossSlot { get; init; }

    /// <summary>Offset of one float metric kernels accumulate into.</summary>
    public required int MetricSlot { get; init; }

    /// <summary>Offset of one float for finiteness checks.</summary>
    public required int CheckSlot { get; init; }

    /// <summary>First float of the activation region (the end of all fixed regions).</summary>
    public required int ActivationBase { get; init; }

    /// <summary>Floats of activation region per sample of batch capacity, A.</summary>
    public required int ActivationsPerSample { get; init; }

    /// <summary>Per-sample offset of the input buffer (B, InputSize).</summary>
    public required int InputSlot { get; init; }

    /// <summary>Per-sample offset of the target buffer (B, TargetSize).</summary>
    public required int TargetSlot { get; init; }

    /// <summary>Per-sample offset of the sample-weight buffer (B, 1): each row's loss weight when a step is weighted.</summary>
    public required int SampleWeightSlot { get; init; }

    /// <summary>Per-sample offset of the output buffer (B, OutputSize).</summary>
    public required int OutputSlot { get; init; }

    /// <summary>The Keras-style summary table, computed at compile time.</summary>
    public required string Summary { get; init; }

    /// <summary>
    /// Per-sample offset of the logits: for a final sigmoid or softmax fused with its loss, the values before that
    /// activation, which the loss reads; otherwise the output itself (<see cref="OutputSlot"/>).
    /// </summary>
    public int LogitsSlot
    {
        get => _logitsSlot ?? OutputSlot;
        init => _logitsSlot = value;
    }

    private int? _logitsSlot;

    /// <summary>
    /// For a model whose first layer is an embedding: the number of token ids it takes, so every input float must be an
    /// integer in [0, TokenVocabulary); 0 when the input is plain features.
    /// </summary>
    public int TokenVocabulary { get; init; }

    /// <summary>The embedding layer that reads the token ids (for messages); empty without one.</summary>
    public string TokenLayer { get; init; } = "";

    /// <summary>
    /// Every input in declaration order, each with its own slot. A graph model emits one per <c>[Input]</c> member; a
    /// sequential model leaves it unset and has its one input, from <see cref="InputShape"/>, <see cref="InputSlot"/>,
    /// <see cref="TokenVocabulary"/> and <see cref="TokenLayer"/>, named "input".
    /// </summary>
    public InputInfo[] Inputs
    {
        get => _inputs ??= [new InputInfo("input", InputSlot, InputShape, TokenVocabulary, TokenLayer)];
        init => _inputs = value;
    }

    private InputInfo[]? _inputs;

    /// <summary>
    /// A graph model's intermediate tensors that <see cref="CompiledModel.PredictTensor(string, IReadOnlyList{float[]})"/>
    /// can return, named as the summary names its rows (a layer by its name, the first of its calls; an operation as
    /// <c>softmax5</c>, or inside a unit as <c>img_flat.softmax</c>), in execution order. Empty for a sequential model
    /// and without the layers that are the identity at inference (dropouts).
    /// </summary>
    public TensorInfo[] Tensors { get; init; } = [];

    /// <summary>Floats per input sample (of the first input when there are several).</summary>
    public int InputSize => Product(InputShape);

    /// <summary>Floats per output sample.</summary>
    public int OutputSize => Product(OutputShape);

    /// <summary>Floats per target: one class index for the sparse loss, else the output size.</summary>
    public int TargetSize => Loss == LossKind.SparseCategoricalCrossEntropy ? 1 : OutputSize;

    /// <summary>Total arena floats for a batch capacity.</summary>
    public long ArenaLength(int batchCapacity) => ActivationBase + (long)ActivationsPerSample * batchCapacity;

    /// <summary>The floats of one sample of <paramref name="shape"/>.</summary>
    internal static int Product(int[] shape)
    {
        int n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }

        return n;
    }
}

/// <summary>One input of a model.</summary>
/// <param name="Name">The input's name: the [Input] member's name in a graph model, "input" in a sequential one.</param>
/// <param name="Slot">Per-sample offset of its activation buffer (B, Size).</param>
/// <param name="Shape">Shape of one sample.</param>
/// <param name="TokenVocabulary">When an embedding reads it: the token ids it takes, each an integer in [0, TokenVocabulary); else 0.</param>
/// <param name="TokenLayer">The embedding that reads the ids (for messages); empty without one.</param>
public sealed record InputInfo(string Name, int Slot, int[] Shape, int TokenVocabulary = 0, string TokenLayer = "")
{
    /// <summary>Floats per sample.</summary>
    public int Size => ModelLayout.Product(Shape);
}

/// <summary>An intermediate tensor of a graph model (see <see cref="ModelLayout.Tensors"/>).</summary>
/// <param name="Name">The summary row's name: <c>encoder.1.norm2</c>, <c>img_flat.softmax</c>, <c>matmul3</c>.</param>
/// <param name="Kind">The layer kind or operation: LayerNorm, Softmax, MatMul.</param>
/// <param name="Node">Its step in the compiled [Forward] body, after which inference can stop.</param>
/// <param name="Slot">Per-sample offset of its buffer.</param>
/// <param name="Shape">Shape of one sample.</param>
public sealed record TensorInfo(string Name, string Kind, int Node, int Slot, int[] Shape)
{
    /// <summary>Floats per sample.</summary>
    public int Size => ModelLayout.Product(Shape);
}

/// <summary>One row of the summary table.</summary>
/// <param name="Name">Layer name.</param>
/// <param name="Kind">Layer type (Dense, BatchNorm, ...).</param>
/// <param name="OutputShape">Output shape with the batch as None, Keras' way: (None, 64).</param>
/// <param name="Parameters">Number of parameter floats (trainable and not).</param>
public sealed record LayerInfo(string Name, string Kind, string OutputShape, int Parameters);
