// Hand-written stand-in for generated code: docs/GeneratedCancerNet.example.cs (what the generator emits for
// CancerNet) copied and renamed, so the runtime can be tested before the generator lands. Replace with the
// generated model ([Model] CancerNet) once the generator is merged.
#nullable enable

namespace ModelGen.Runtime.Tests.Models;

/// <summary>HandCancerNet: (B, 30) -> (B, 1), binary cross-entropy fused with the final sigmoid.</summary>
public sealed class HandCancerNet : global::ModelGen.CompiledModel
{
    /// <summary>Floats per input sample: (30).</summary>
    public const int InputSize = 30;

    /// <summary>Floats per output sample: (1).</summary>
    public const int OutputSize = 1;

    /// <summary>Trainable parameters.</summary>
    public const int TrainableParameterCount = 2177;

    /// <summary>Non-trainable parameters (BatchNorm running statistics).</summary>
    public const int NonTrainableParameterCount = 128;

    /// <summary>The Keras-style summary, computed at compile time.</summary>
    public const string SummaryText = """
        Model: "HandCancerNet"
        ┏━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓
        ┃ Layer (type)           ┃ Output Shape   ┃    Param # ┃ FLOPs/sample ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩
        │ dense0 (Dense)         │ (None, 64)     │      1,984 │        3,904 │
        ├────────────────────────┼────────────────┼────────────┼──────────────┤
        │ norm0 (BatchNorm)      │ (None, 64)     │        256 │          256 │
        ├────────────────────────┼────────────────┼────────────┼──────────────┤
        │ dropout0 (Dropout)     │ (None, 64)     │          0 │            0 │
        ├────────────────────────┼────────────────┼────────────┼──────────────┤
        │ dense1 (Dense)         │ (None, 1)      │         65 │          130 │
        └────────────────────────┴────────────────┴────────────┴──────────────┘
         Total params: 2,305 (9.00 KB)
         Trainable params: 2,177 (8.50 KB)
         Non-trainable params: 128 (512.00 B)
        """;

    // Parameter layout: trainable [0, 2177), state [2177, 2305), offsets in floats.
    private const int Dense0Weight = 0;          // dense0.weight (64, 30)
    private const int Dense0Bias = 1920;         // dense0.bias (64)
    private const int Norm0Weight = 1984;        // norm0.weight (64), gamma
    private const int Norm0Bias = 2048;          // norm0.bias (64), beta
    private const int Dense1Weight = 2112;       // dense1.weight (1, 64)
    private const int Dense1Bias = 2176;         // dense1.bias (1)
    private const int Norm0RunningMean = 2177;   // norm0.running_mean (64)
    private const int Norm0RunningVar = 2241;    // norm0.running_var (64)

    // Fixed regions: gradients mirror the trainable layout at GradientBase.
    private const int GradientBase = 2305;
    private const int OptimizerSlot1 = 4482;
    private const int OptimizerSlot2 = 6659;
    private const int LossSlot = 8836;
    private const int MetricSlot = 8837;
    private const int CheckSlot = 8838;
    private const int Norm0SavedMean = 8839;     // (64)
    private const int Norm0SavedInvStd = 8903;   // (64)
    private const int ActivationBase = 8967;

    // Activation plan, per sample of batch capacity (floats); gradient buffers share space when their lifetimes do not overlap.
    private const int InputSlot = 0;             // x        (B, 30)
    private const int TargetSlot = 30;           // target   (B, 1)
    private const int Dense0Out = 31;            // dense0   (B, 64) after ReLU
    private const int Norm0Out = 95;             // norm0    (B, 64)
    private const int Dropout0Mask = 159;        // dropout0 mask (B, 64)
    private const int Dropout0Out = 223;         // dropout0 (B, 64)
    private const int Dense1Logits = 287;        // dense1   (B, 1) before the sigmoid
    private const int OutputSlot = 288;          // output   (B, 1) after the sigmoid
    private const int GradSlot0 = 289;           // dLogits (B, 1)
    private const int GradSlot1 = 290;           // dDropout0Out, then dNorm0Out in place (B, 64)
    private const int GradSlot2 = 354;           // dDense0Out (B, 64)
    private const int ActivationsPerSample = 418;

    private static readonly global::ModelGen.ModelLayout s_layout = new()
    {
        Name = "HandCancerNet",
        InputShape = [30],
        OutputShape = [1],
        Loss = global::ModelGen.Kernels.LossKind.BinaryCrossEntropy,
        OutputActivation = global::ModelGen.Kernels.ActivationKind.Sigmoid,
        Parameters =
        [
            new("dense0.weight", Dense0Weight, [64, 30], true, global::ModelGen.ParameterInit.GlorotUniform, 30, 64),
            new("dense0.bias", Dense0Bias, [64], true, global::ModelGen.ParameterInit.Zeros),
            new("norm0.weight", Norm0Weight, [64], true, global::ModelGen.ParameterInit.Ones),
            new("norm0.bias", Norm0Bias, [64], true, global::ModelGen.ParameterInit.Zeros),
            new("dense1.weight", Dense1Weight, [1, 64], true, global::ModelGen.ParameterInit.GlorotUniform, 64, 1),
            new("dense1.bias", Dense1Bias, [1], true, global::ModelGen.ParameterInit.Zeros),
            new("norm0.running_mean", Norm0RunningMean, [64], false, global::ModelGen.ParameterInit.Zeros),
            new("norm0.running_var", Norm0RunningVar, [64], false, global::ModelGen.ParameterInit.Ones),
        ],
        Layers =
        [
            new("dense0", "Dense", "(None, 64)", 1984),
            new("norm0", "BatchNorm", "(None, 64)", 256),
            new("dropout0", "Dropout", "(None, 64)", 0),
            new("dense1", "Dense", "(None, 1)", 65),
        ],
        TrainableCount = TrainableParameterCount,
        StateCount = NonTrainableParameterCount,
        GradientBase = GradientBase,
        OptimizerSlot1 = OptimizerSlot1,
        OptimizerSlot2 = OptimizerSlot2,
        LossSlot = LossSlot,
        MetricSlot = MetricSlot,
        CheckSlot = CheckSlot,
        ActivationBase = ActivationBase,
        ActivationsPerSample = ActivationsPerSample,
        InputSlot = InputSlot,
        TargetSlot = TargetSlot,
        OutputSlot = OutputSlot,
        Summary = SummaryText,
    };

    /// <summary>Creates the network with room for batches of up to <paramref name="batchCapacity"/> samples.</summary>
    /// <param name="batchCapacity">The largest batch the model will run.</param>
    /// <param name="seed">Seeds weight initialisation, dropout masks and shuffling.</param>
    /// <param name="device">Where to run; the CPU SIMD back end when null.</param>
    public HandCancerNet(int batchCapacity, int seed = 0, global::ModelGen.Kernels.Device? device = null)
        : base(s_layout, batchCapacity, seed, device)
    {
    }

    /// <inheritdoc/>
    protected override void Forward(int batch, bool training)
    {
        var k = Backend;

        // dense0: Dense(64, ReLU)  (B, 30) -> (B, 64)
        k.Gemm(false, true, batch, 64, 30, 1f, Act(InputSlot, 30, batch), Fixed(Dense0Weight, 1920), 0f, Act(Dense0Out, 64, batch));
        k.BiasActivation(Act(Dense0Out, 64, batch), Fixed(Dense0Bias, 64), batch, 64, global::ModelGen.Kernels.ActivationKind.ReLU);

        // norm0: BatchNorm  (B, 64) -> (B, 64)
        if (training)
        {
            k.BatchNormTraining(Act(Dense0Out, 64, batch), Act(Norm0Out, 64, batch), Fixed(Norm0Weight, 64), Fixed(Norm0Bias, 64),
                Fixed(Norm0RunningMean, 64), Fixed(Norm0RunningVar, 64), Fixed(Norm0SavedMean, 64), Fixed(Norm0SavedInvStd, 64),
                batch, 64, 0.99f, 0.001f);
        }
        else
        {
            k.BatchNormInference(Act(Dense0Out, 64, batch), Act(Norm0Out, 64, batch), Fixed(Norm0Weight, 64), Fixed(Norm0Bias, 64),
                Fixed(Norm0RunningMean, 64), Fixed(Norm0RunningVar, 64), batch, 64, 0.001f);
        }

        // dropout0: Dropout(0.2)  (B, 64) -> (B, 64); the identity at inference
        if (training)
        {
            k.DropoutForward(Act(Norm0Out, 64, batch), Act(Dropout0Out, 64, batch), Act(Dropout0Mask, 64, batch), 0.2f, RandomSeed, NextRandomStream(64 * batch));
        }
        else
        {
            k.Copy(Act(Norm0Out, 64, batch), Act(Dropout0Out, 64, batch));
        }

        // dense1: Dense(1, Sigmoid)  (B, 64) -> (B, 1); logits kept for the fused loss
        k.Gemm(false, true, batch, 1, 64, 1f, Act(Dropout0Out, 64, batch), Fixed(Dense1Weight, 64), 0f, Act(Dense1Logits, 1, batch));
        k.BiasActivation(Act(Dense1Logits, 1, batch), Fixed(Dense1Bias, 1), batch, 1, global::ModelGen.Kernels.ActivationKind.Linear);
        k.Activation(Act(Dense1Logits, 1, batch), Act(OutputSlot, 1, batch), batch, 1, global::ModelGen.Kernels.ActivationKind.Sigmoid);
    }

    /// <inheritdoc/>
    protected override void ComputeLoss(int batch, float gradScale, bool withGradient)
    {
        // Binary cross-entropy fused with dense1's sigmoid: computed from the logits (B, 1).
        Backend.Loss(global::ModelGen.Kernels.LossKind.BinaryCrossEntropy, true, Act(Dense1Logits, 1, batch), Act(TargetSlot, 1, batch),
            withGradient ? Act(GradSlot0, 1, batch) : default, Fixed(LossSlot, 1), batch, 1, gradScale);
    }

    /// <inheritdoc/>
    protected override void Backward(int batch)
    {
        var k = Backend;

        // dense1: dLogits (B, 1) -> dWeight (1, 64) += dLogits^T x, dBias += sum dLogits, dx (B, 64) = dLogits W
        k.Gemm(true, false, 1, 64, batch, 1f, Act(GradSlot0, 1, batch), Act(Dropout0Out, 64, batch), 1f, Fixed(GradientBase + Dense1Weight, 64));
        k.BiasBackward(Act(GradSlot0, 1, batch), Fixed(GradientBase + Dense1Bias, 1), batch, 1);
        k.Gemm(false, false, batch, 64, 1, 1f, Act(GradSlot0, 1, batch), Fixed(Dense1Weight, 64), 0f, Act(GradSlot1, 64, batch));

        // dropout0: dx = dy * mask, in place
        k.DropoutBackward(Act(GradSlot1, 64, batch), Act(Dropout0Mask, 64, batch), Act(GradSlot1, 64, batch));

        // norm0: dx (B, 64), dGamma, dBeta
        k.BatchNormBackward(Act(Dense0Out, 64, batch), Act(GradSlot1, 64, batch), Act(GradSlot2, 64, batch), Fixed(Norm0Weight, 64),
            Fixed(GradientBase + Norm0Weight, 64), Fixed(GradientBase + Norm0Bias, 64), Fixed(Norm0SavedMean, 64), Fixed(Norm0SavedInvStd, 64), batch, 64);

        // dense0: through ReLU in place, then dWeight (64, 30) += dZ^T x, dBias; the input needs no gradient
        k.ActivationBackward(Act(Dense0Out, 64, batch), Act(GradSlot2, 64, batch), Act(GradSlot2, 64, batch), batch, 64, global::ModelGen.Kernels.ActivationKind.ReLU);
        k.Gemm(true, false, 64, 30, batch, 1f, Act(GradSlot2, 64, batch), Act(InputSlot, 30, batch), 1f, Fixed(GradientBase + Dense0Weight, 1920));
        k.BiasBackward(Act(GradSlot2, 64, batch), Fixed(GradientBase + Dense0Bias, 64), batch, 64);
    }
}
