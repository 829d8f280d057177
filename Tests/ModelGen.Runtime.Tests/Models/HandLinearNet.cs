// Hand-written stand-in for generated code, in the shape docs/GeneratedCancerNet.example.cs sets, so the runtime
// can be tested before the generator lands; replace with the generated model of this source once it is merged:
//
//     [Model(Loss = Loss.MeanSquaredError)]
//     [Input(2)]
//     [Dense(1)]
//     public partial class HandLinearNet;
#nullable enable

namespace ModelGen.Runtime.Tests.Models;

/// <summary>HandLinearNet: (B, 2) -> (B, 1), one linear unit, mean squared error.</summary>
public sealed class HandLinearNet : global::ModelGen.CompiledModel
{
    /// <summary>Trainable parameters.</summary>
    public const int TrainableParameterCount = 3;

    // Parameter layout: trainable [0, 3).
    public const int Dense0Weight = 0;           // dense0.weight (1, 2)
    public const int Dense0Bias = 2;             // dense0.bias (1)

    private const int GradientBase = 3;
    private const int OptimizerSlot1 = 6;
    private const int OptimizerSlot2 = 9;
    private const int LossSlot = 12;
    private const int MetricSlot = 13;
    private const int CheckSlot = 14;
    private const int ActivationBase = 15;

    private const int InputSlot = 0;             // x       (B, 2)
    private const int TargetSlot = 2;            // target  (B, 1)
    private const int OutputSlot = 3;            // dense0  (B, 1)
    private const int GradSlot0 = 4;             // dOutput (B, 1)
    private const int ActivationsPerSample = 5;

    private static readonly global::ModelGen.ModelLayout s_layout = new()
    {
        Name = "HandLinearNet",
        InputShape = [2],
        OutputShape = [1],
        Loss = global::ModelGen.Kernels.LossKind.MeanSquaredError,
        OutputActivation = global::ModelGen.Kernels.ActivationKind.Linear,
        Parameters =
        [
            new("dense0.weight", Dense0Weight, [1, 2], true, global::ModelGen.ParameterInit.GlorotUniform, 2, 1),
            new("dense0.bias", Dense0Bias, [1], true, global::ModelGen.ParameterInit.Zeros),
        ],
        Layers = [new("dense0", "Dense", "(None, 1)", 3)],
        TrainableCount = TrainableParameterCount,
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
        Summary = "Model: \"HandLinearNet\"\n dense0 (Dense)  (None, 1)  3\n Total params: 3\n",
    };

    /// <summary>Creates the network.</summary>
    public HandLinearNet(int batchCapacity, int seed = 0, global::ModelGen.Kernels.Device? device = null)
        : base(s_layout, batchCapacity, seed, device)
    {
    }

    /// <inheritdoc/>
    protected override void Forward(int batch, bool training)
    {
        var k = Backend;

        // dense0: Dense(1)  (B, 2) -> (B, 1)
        k.Gemm(false, true, batch, 1, 2, 1f, Act(InputSlot, 2, batch), Fixed(Dense0Weight, 2), 0f, Act(OutputSlot, 1, batch));
        k.BiasActivation(Act(OutputSlot, 1, batch), Fixed(Dense0Bias, 1), batch, 1, global::ModelGen.Kernels.ActivationKind.Linear);
    }

    /// <inheritdoc/>
    protected override void ComputeLoss(int batch, float gradScale, bool withGradient)
    {
        Backend.Loss(global::ModelGen.Kernels.LossKind.MeanSquaredError, false, Act(OutputSlot, 1, batch), Act(TargetSlot, 1, batch),
            withGradient ? Act(GradSlot0, 1, batch) : default, Fixed(LossSlot, 1), batch, 1, gradScale);
    }

    /// <inheritdoc/>
    protected override void Backward(int batch)
    {
        var k = Backend;

        // dense0: dWeight (1, 2) += dOutput^T x, dBias += sum dOutput; the input needs no gradient
        k.Gemm(true, false, 1, 2, batch, 1f, Act(GradSlot0, 1, batch), Act(InputSlot, 2, batch), 1f, Fixed(GradientBase + Dense0Weight, 2));
        k.BiasBackward(Act(GradSlot0, 1, batch), Fixed(GradientBase + Dense0Bias, 1), batch, 1);
    }
}
