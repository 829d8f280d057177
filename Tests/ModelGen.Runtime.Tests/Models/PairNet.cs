using ModelGen.Kernels;

namespace ModelGen.Runtime.Tests.Models;

/// <summary>
/// A graph model with two inputs written by hand as the generator will emit one: x1 (B, 3) and x2 (B, 2) into one
/// linear unit over their concatenation, y (B, 1) = [x1, x2] W^T + b, with mean squared error. The weight (1, 5) is
/// held as its two column blocks, weight_x1 (1, 3) and weight_x2 (1, 2), so each input has its own GEMM and no
/// concatenation buffer is needed. With <see cref="Record"/> set, Forward downloads what each slot holds (tests of
/// the staging).
/// </summary>
internal sealed class PairNet : CompiledModel
{
    // Parameter layout: trainable [0, 6), offsets in floats.
    public const int WeightX1 = 0;  // dense.weight_x1 (1, 3)
    public const int WeightX2 = 3;  // dense.weight_x2 (1, 2)
    public const int Bias = 5;      // dense.bias (1)

    // Fixed regions.
    private const int Trainable = 6;
    private const int GradientBase = 6;
    private const int OptimizerSlot1 = 12;
    private const int OptimizerSlot2 = 18;
    private const int OptimizerSlot3 = 24;
    private const int LossSlot = 30;
    private const int MetricSlot = 31;
    private const int CheckSlot = 32;
    private const int ActivationBase = 33;

    // Activation plan, per sample of batch capacity.
    private const int X1Slot = 0;       // x1     (B, 3)
    private const int X2Slot = 3;       // x2     (B, 2)
    private const int TargetSlot = 5;   // target (B, 1)
    private const int SampleWeightSlot = 6; // sample weight (B, 1)
    private const int OutputSlot = 7;   // output (B, 1)
    private const int GradSlot0 = 8;    // dOutput (B, 1)
    private const int ActivationsPerSample = 9;

    private static readonly ModelLayout s_layout = CreateLayout();

    public PairNet(int batchCapacity, int seed = 0, Device? device = null)
        : base(s_layout, batchCapacity, seed, device)
    {
    }

    public PairNet(int batchCapacity, ModelLayout layout)
        : base(layout, batchCapacity, 0, Device.Cpu(1))
    {
    }

    /// <summary>Whether Forward records each row it sees (allocates; tests of the staging only).</summary>
    public bool Record { get; init; }

    /// <summary>Every row Forward saw while recording: x1, x2 and the target, as they stood in their slots.</summary>
    public List<(float[] X1, float[] X2, float Target)> Seen { get; } = [];

    /// <summary>The layout, with x2 read by an embedding of <paramref name="tokenVocabulary"/> ids when not 0, and the inputs renamed on request.</summary>
    public static ModelLayout CreateLayout(int tokenVocabulary = 0, string first = "x1", string second = "x2") => new()
    {
        Name = "PairNet",
        InputShape = [3],
        OutputShape = [1],
        Loss = LossKind.MeanSquaredError,
        OutputActivation = ActivationKind.Linear,
        Parameters =
        [
            new("dense.weight_x1", WeightX1, [1, 3], true, ParameterInit.GlorotUniform, 5, 1),
            new("dense.weight_x2", WeightX2, [1, 2], true, ParameterInit.GlorotUniform, 5, 1),
            new("dense.bias", Bias, [1], true, ParameterInit.Zeros),
        ],
        Layers = [new("dense", "Dense", "(None, 1)", 6)],
        TrainableCount = Trainable,
        StateCount = 0,
        GradientBase = GradientBase,
        OptimizerSlot1 = OptimizerSlot1,
        OptimizerSlot2 = OptimizerSlot2,
        OptimizerSlot3 = OptimizerSlot3,
        LossSlot = LossSlot,
        MetricSlot = MetricSlot,
        CheckSlot = CheckSlot,
        ActivationBase = ActivationBase,
        ActivationsPerSample = ActivationsPerSample,
        InputSlot = X1Slot,
        TargetSlot = TargetSlot,
        SampleWeightSlot = SampleWeightSlot,
        OutputSlot = OutputSlot,
        Summary = "",
        Inputs =
        [
            new(first, X1Slot, [3]),
            new(second, X2Slot, [2], tokenVocabulary, tokenVocabulary == 0 ? "" : "embedding"),
        ],
    };

    protected override void Forward(int batch, bool training)
    {
        var k = Backend;
        if (Record && training)
        {
            RecordBatch(batch);
        }

        // dense: (B, 3) and (B, 2) -> (B, 1) = x1 W1^T + x2 W2^T + b
        k.Gemm(false, true, batch, 1, 3, 1f, Act(X1Slot, 3, batch), Fixed(WeightX1, 3), 0f, Act(OutputSlot, 1, batch));
        k.Gemm(false, true, batch, 1, 2, 1f, Act(X2Slot, 2, batch), Fixed(WeightX2, 2), 1f, Act(OutputSlot, 1, batch));
        k.BiasActivation(Act(OutputSlot, 1, batch), Fixed(Bias, 1), batch, 1, ActivationKind.Linear);
    }

    protected override void ComputeLoss(int batch, float gradScale, bool withGradient, bool weighted)
    {
        // Mean squared error on the output (B, 1); weighted: each row's times its sample weight.
        Backend.Loss(LossKind.MeanSquaredError, false, Act(OutputSlot, 1, batch), Act(TargetSlot, 1, batch),
            withGradient ? Act(GradSlot0, 1, batch) : default, Fixed(LossSlot, 1), batch, 1, gradScale,
            weighted ? Act(SampleWeightSlot, 1, batch) : default);
    }

    protected override void Backward(int batch)
    {
        var k = Backend;

        // dense: dy (B, 1) -> dW1 (1, 3) += dy^T x1, dW2 (1, 2) += dy^T x2, dBias += sum dy; the inputs need no gradient
        k.Gemm(true, false, 1, 3, batch, 1f, Act(GradSlot0, 1, batch), Act(X1Slot, 3, batch), 1f, Fixed(GradientBase + WeightX1, 3));
        k.Gemm(true, false, 1, 2, batch, 1f, Act(GradSlot0, 1, batch), Act(X2Slot, 2, batch), 1f, Fixed(GradientBase + WeightX2, 2));
        k.BiasBackward(Act(GradSlot0, 1, batch), Fixed(GradientBase + Bias, 1), batch, 1);
    }

    private void RecordBatch(int batch)
    {
        var x1 = new float[batch * 3];
        var x2 = new float[batch * 2];
        var targets = new float[batch];
        Backend.Download(Act(X1Slot, 3, batch), x1);
        Backend.Download(Act(X2Slot, 2, batch), x2);
        Backend.Download(Act(TargetSlot, 1, batch), targets);
        for (int i = 0; i < batch; i++)
        {
            Seen.Add((x1[(i * 3)..(i * 3 + 3)], x2[(i * 2)..(i * 2 + 2)], targets[i]));
        }
    }
}
