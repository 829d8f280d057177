// Hand-written stand-in for generated code, in the shape docs/GeneratedCancerNet.example.cs sets, so the runtime
// can be tested before the generator lands; replace with the generated model of this source once it is merged:
//
//     [Model(Loss = Loss.SparseCategoricalCrossEntropy)]
//     [Input(4)]
//     [Dense(3, Activation.Softmax)]
//     public partial class HandSoftmaxNet;
#nullable enable

namespace ModelGen.Runtime.Tests.Models;

/// <summary>HandSoftmaxNet: (B, 4) -> (B, 3), sparse categorical cross-entropy fused with the softmax.</summary>
public sealed class HandSoftmaxNet : global::ModelGen.CompiledModel
{
    private const int Dense0Weight = 0;          // dense0.weight (3, 4)
    private const int Dense0Bias = 12;           // dense0.bias (3)

    private const int GradientBase = 15;
    private const int OptimizerSlot1 = 30;
    private const int OptimizerSlot2 = 45;
    private const int LossSlot = 60;
    private const int MetricSlot = 61;
    private const int CheckSlot = 62;
    private const int ActivationBase = 63;

    private const int InputSlot = 0;             // x        (B, 4)
    private const int TargetSlot = 4;            // class    (B)
    private const int Dense0Logits = 5;          // dense0   (B, 3) before the softmax
    private const int OutputSlot = 8;            // output   (B, 3) after the softmax
    private const int GradSlot0 = 11;            // dLogits  (B, 3)
    private const int ActivationsPerSample = 14;

    private static readonly global::ModelGen.ModelLayout s_layout = new()
    {
        Name = "HandSoftmaxNet",
        InputShape = [4],
        OutputShape = [3],
        Loss = global::ModelGen.Kernels.LossKind.SparseCategoricalCrossEntropy,
        OutputActivation = global::ModelGen.Kernels.ActivationKind.Softmax,
        Parameters =
        [
            new("dense0.weight", Dense0Weight, [3, 4], true, global::ModelGen.ParameterInit.GlorotUniform, 4, 3),
            new("dense0.bias", Dense0Bias, [3], true, global::ModelGen.ParameterInit.Zeros),
        ],
        Layers = [new("dense0", "Dense", "(None, 3)", 15)],
        TrainableCount = 15,
        StateCount = 0,
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
        Summary = "Model: \"HandSoftmaxNet\"\n dense0 (Dense)  (None, 3)  15\n Total params: 15\n",
    };

    /// <summary>Creates the network.</summary>
    public HandSoftmaxNet(int batchCapacity, int seed = 0, global::ModelGen.Kernels.Device? device = null)
        : base(s_layout, batchCapacity, seed, device)
    {
    }

    /// <inheritdoc/>
    protected override void Forward(int batch, bool training)
    {
        var k = Backend;

        // dense0: Dense(3, Softmax)  (B, 4) -> (B, 3); logits kept for the fused loss
        k.Gemm(false, true, batch, 3, 4, 1f, Act(InputSlot, 4, batch), Fixed(Dense0Weight, 12), 0f, Act(Dense0Logits, 3, batch));
        k.BiasActivation(Act(Dense0Logits, 3, batch), Fixed(Dense0Bias, 3), batch, 3, global::ModelGen.Kernels.ActivationKind.Linear);
        k.Activation(Act(Dense0Logits, 3, batch), Act(OutputSlot, 3, batch), batch, 3, global::ModelGen.Kernels.ActivationKind.Softmax);
    }

    /// <inheritdoc/>
    protected override void ComputeLoss(int batch, float gradScale, bool withGradient)
    {
        // Sparse categorical cross-entropy fused with dense0's softmax: computed from the logits (B, 3).
        Backend.Loss(global::ModelGen.Kernels.LossKind.SparseCategoricalCrossEntropy, true, Act(Dense0Logits, 3, batch), Act(TargetSlot, 1, batch),
            withGradient ? Act(GradSlot0, 3, batch) : default, Fixed(LossSlot, 1), batch, 3, gradScale);
    }

    /// <inheritdoc/>
    protected override void Backward(int batch)
    {
        var k = Backend;

        // dense0: dWeight (3, 4) += dLogits^T x, dBias += sum dLogits
        k.Gemm(true, false, 3, 4, batch, 1f, Act(GradSlot0, 3, batch), Act(InputSlot, 4, batch), 1f, Fixed(GradientBase + Dense0Weight, 12));
        k.BiasBackward(Act(GradSlot0, 3, batch), Fixed(GradientBase + Dense0Bias, 3), batch, 3);
    }
}
