// STAND-IN for generated code, written by hand in the pattern of docs/GeneratedCancerNet.example.cs, so the
// harness times the real runtime path (Fit, Predict, the CPU back end) before the generator is merged.
// Replace with the [Model]-declared HotelNet (DESIGN.md section 1) once the generator is in main.
#nullable enable

using ModelGen.Kernels;

namespace ModelGen.Benchmarks.Models;

/// <summary>
/// The hotel MLP (DESIGN.md section 6, workload 1): (B, 63) -> BatchNorm -> Dense(256, ReLU) -> BatchNorm ->
/// Dropout(0.3) -> Dense(256, ReLU) -> BatchNorm -> Dropout(0.3) -> Dense(1, Sigmoid), binary cross-entropy
/// fused with the final sigmoid.
/// </summary>
public sealed class HandHotelNet : CompiledModel
{
    /// <summary>Floats per input sample.</summary>
    public const int InputSize = 63;

    private const int Hidden = 256;

    // Parameter layout: trainable first, then BatchNorm running statistics (offsets in floats).
    private const int Norm0Weight = 0;
    private const int Norm0Bias = Norm0Weight + InputSize;
    private const int Dense0Weight = Norm0Bias + InputSize;          // (256, 63)
    private const int Dense0Bias = Dense0Weight + (Hidden * InputSize);
    private const int Norm1Weight = Dense0Bias + Hidden;
    private const int Norm1Bias = Norm1Weight + Hidden;
    private const int Dense1Weight = Norm1Bias + Hidden;             // (256, 256)
    private const int Dense1Bias = Dense1Weight + (Hidden * Hidden);
    private const int Norm2Weight = Dense1Bias + Hidden;
    private const int Norm2Bias = Norm2Weight + Hidden;
    private const int Dense2Weight = Norm2Bias + Hidden;             // (1, 256)
    private const int Dense2Bias = Dense2Weight + Hidden;
    private const int TrainableCount = Dense2Bias + 1;
    private const int Norm0RunningMean = TrainableCount;
    private const int Norm0RunningVar = Norm0RunningMean + InputSize;
    private const int Norm1RunningMean = Norm0RunningVar + InputSize;
    private const int Norm1RunningVar = Norm1RunningMean + Hidden;
    private const int Norm2RunningMean = Norm1RunningVar + Hidden;
    private const int Norm2RunningVar = Norm2RunningMean + Hidden;
    private const int ParameterEnd = Norm2RunningVar + Hidden;

    // Fixed regions.
    private const int GradientBase = ParameterEnd;
    private const int OptimizerSlot1 = GradientBase + TrainableCount;
    private const int OptimizerSlot2 = OptimizerSlot1 + TrainableCount;
    private const int LossSlot = OptimizerSlot2 + TrainableCount;
    private const int MetricSlot = LossSlot + 1;
    private const int CheckSlot = MetricSlot + 1;
    private const int Norm0SavedMean = CheckSlot + 1;
    private const int Norm0SavedInvStd = Norm0SavedMean + InputSize;
    private const int Norm1SavedMean = Norm0SavedInvStd + InputSize;
    private const int Norm1SavedInvStd = Norm1SavedMean + Hidden;
    private const int Norm2SavedMean = Norm1SavedInvStd + Hidden;
    private const int Norm2SavedInvStd = Norm2SavedMean + Hidden;
    private const int ActivationBase = Norm2SavedInvStd + Hidden;

    // Activation plan, per sample (floats).
    private const int InputSlot = 0;
    private const int TargetSlot = InputSlot + InputSize;
    private const int Norm0Out = TargetSlot + 1;
    private const int Dense0Out = Norm0Out + InputSize;
    private const int Norm1Out = Dense0Out + Hidden;
    private const int Dropout0Mask = Norm1Out + Hidden;
    private const int Dropout0Out = Dropout0Mask + Hidden;
    private const int Dense1Out = Dropout0Out + Hidden;
    private const int Norm2Out = Dense1Out + Hidden;
    private const int Dropout1Mask = Norm2Out + Hidden;
    private const int Dropout1Out = Dropout1Mask + Hidden;
    private const int Dense2Logits = Dropout1Out + Hidden;
    private const int OutputSlot = Dense2Logits + 1;
    private const int GradLogits = OutputSlot + 1;
    private const int GradA = GradLogits + 1;
    private const int GradB = GradA + Hidden;
    private const int ActivationsPerSample = GradB + Hidden;

    private static readonly ModelLayout s_layout = new()
    {
        Name = "HandHotelNet",
        InputShape = [InputSize],
        OutputShape = [1],
        Loss = LossKind.BinaryCrossEntropy,
        OutputActivation = ActivationKind.Sigmoid,
        Parameters =
        [
            new("norm0.weight", Norm0Weight, [InputSize], true, ParameterInit.Ones),
            new("norm0.bias", Norm0Bias, [InputSize], true, ParameterInit.Zeros),
            new("dense0.weight", Dense0Weight, [Hidden, InputSize], true, ParameterInit.GlorotUniform, InputSize, Hidden),
            new("dense0.bias", Dense0Bias, [Hidden], true, ParameterInit.Zeros),
            new("norm1.weight", Norm1Weight, [Hidden], true, ParameterInit.Ones),
            new("norm1.bias", Norm1Bias, [Hidden], true, ParameterInit.Zeros),
            new("dense1.weight", Dense1Weight, [Hidden, Hidden], true, ParameterInit.GlorotUniform, Hidden, Hidden),
            new("dense1.bias", Dense1Bias, [Hidden], true, ParameterInit.Zeros),
            new("norm2.weight", Norm2Weight, [Hidden], true, ParameterInit.Ones),
            new("norm2.bias", Norm2Bias, [Hidden], true, ParameterInit.Zeros),
            new("dense2.weight", Dense2Weight, [1, Hidden], true, ParameterInit.GlorotUniform, Hidden, 1),
            new("dense2.bias", Dense2Bias, [1], true, ParameterInit.Zeros),
            new("norm0.running_mean", Norm0RunningMean, [InputSize], false, ParameterInit.Zeros),
            new("norm0.running_var", Norm0RunningVar, [InputSize], false, ParameterInit.Ones),
            new("norm1.running_mean", Norm1RunningMean, [Hidden], false, ParameterInit.Zeros),
            new("norm1.running_var", Norm1RunningVar, [Hidden], false, ParameterInit.Ones),
            new("norm2.running_mean", Norm2RunningMean, [Hidden], false, ParameterInit.Zeros),
            new("norm2.running_var", Norm2RunningVar, [Hidden], false, ParameterInit.Ones),
        ],
        Layers =
        [
            new("norm0", "BatchNorm", "(None, 63)", 2 * InputSize),
            new("dense0", "Dense", "(None, 256)", (Hidden * InputSize) + Hidden),
            new("norm1", "BatchNorm", "(None, 256)", 2 * Hidden),
            new("dropout0", "Dropout", "(None, 256)", 0),
            new("dense1", "Dense", "(None, 256)", (Hidden * Hidden) + Hidden),
            new("norm2", "BatchNorm", "(None, 256)", 2 * Hidden),
            new("dropout1", "Dropout", "(None, 256)", 0),
            new("dense2", "Dense", "(None, 1)", Hidden + 1),
        ],
        TrainableCount = TrainableCount,
        StateCount = ParameterEnd - TrainableCount,
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
        Summary = "HandHotelNet (stand-in)",
    };

    /// <summary>Creates the network with room for batches of up to <paramref name="batchCapacity"/> samples.</summary>
    public HandHotelNet(int batchCapacity, int seed = 0, Device? device = null)
        : base(s_layout, batchCapacity, seed, device)
    {
    }

    /// <inheritdoc/>
    protected override void Forward(int batch, bool training)
    {
        var k = Backend;
        NormForward(k, training, Act(InputSlot, InputSize, batch), Act(Norm0Out, InputSize, batch), Norm0Weight, Norm0Bias, Norm0RunningMean, Norm0RunningVar, Norm0SavedMean, Norm0SavedInvStd, batch, InputSize);

        k.Gemm(false, true, batch, Hidden, InputSize, 1f, Act(Norm0Out, InputSize, batch), Fixed(Dense0Weight, Hidden * InputSize), 0f, Act(Dense0Out, Hidden, batch));
        k.BiasActivation(Act(Dense0Out, Hidden, batch), Fixed(Dense0Bias, Hidden), batch, Hidden, ActivationKind.ReLU);
        NormForward(k, training, Act(Dense0Out, Hidden, batch), Act(Norm1Out, Hidden, batch), Norm1Weight, Norm1Bias, Norm1RunningMean, Norm1RunningVar, Norm1SavedMean, Norm1SavedInvStd, batch, Hidden);
        DropoutForward(k, training, Act(Norm1Out, Hidden, batch), Act(Dropout0Out, Hidden, batch), Act(Dropout0Mask, Hidden, batch), batch);

        k.Gemm(false, true, batch, Hidden, Hidden, 1f, Act(Dropout0Out, Hidden, batch), Fixed(Dense1Weight, Hidden * Hidden), 0f, Act(Dense1Out, Hidden, batch));
        k.BiasActivation(Act(Dense1Out, Hidden, batch), Fixed(Dense1Bias, Hidden), batch, Hidden, ActivationKind.ReLU);
        NormForward(k, training, Act(Dense1Out, Hidden, batch), Act(Norm2Out, Hidden, batch), Norm2Weight, Norm2Bias, Norm2RunningMean, Norm2RunningVar, Norm2SavedMean, Norm2SavedInvStd, batch, Hidden);
        DropoutForward(k, training, Act(Norm2Out, Hidden, batch), Act(Dropout1Out, Hidden, batch), Act(Dropout1Mask, Hidden, batch), batch);

        k.Gemm(false, true, batch, 1, Hidden, 1f, Act(Dropout1Out, Hidden, batch), Fixed(Dense2Weight, Hidden), 0f, Act(Dense2Logits, 1, batch));
        k.BiasActivation(Act(Dense2Logits, 1, batch), Fixed(Dense2Bias, 1), batch, 1, ActivationKind.Linear);
        k.Activation(Act(Dense2Logits, 1, batch), Act(OutputSlot, 1, batch), batch, 1, ActivationKind.Sigmoid);
    }

    /// <inheritdoc/>
    protected override void ComputeLoss(int batch, float gradScale, bool withGradient)
    {
        Backend.Loss(LossKind.BinaryCrossEntropy, true, Act(Dense2Logits, 1, batch), Act(TargetSlot, 1, batch),
            withGradient ? Act(GradLogits, 1, batch) : default, Fixed(LossSlot, 1), batch, 1, gradScale);
    }

    /// <inheritdoc/>
    protected override void Backward(int batch)
    {
        var k = Backend;

        // dense2
        k.Gemm(true, false, 1, Hidden, batch, 1f, Act(GradLogits, 1, batch), Act(Dropout1Out, Hidden, batch), 1f, Fixed(GradientBase + Dense2Weight, Hidden));
        k.BiasBackward(Act(GradLogits, 1, batch), Fixed(GradientBase + Dense2Bias, 1), batch, 1);
        k.Gemm(false, false, batch, Hidden, 1, 1f, Act(GradLogits, 1, batch), Fixed(Dense2Weight, Hidden), 0f, Act(GradA, Hidden, batch));

        // dropout1, norm2, dense1's ReLU
        k.DropoutBackward(Act(GradA, Hidden, batch), Act(Dropout1Mask, Hidden, batch), Act(GradA, Hidden, batch));
        k.BatchNormBackward(Act(Dense1Out, Hidden, batch), Act(GradA, Hidden, batch), Act(GradB, Hidden, batch), Fixed(Norm2Weight, Hidden),
            Fixed(GradientBase + Norm2Weight, Hidden), Fixed(GradientBase + Norm2Bias, Hidden), Fixed(Norm2SavedMean, Hidden), Fixed(Norm2SavedInvStd, Hidden), batch, Hidden);
        k.ActivationBackward(Act(Dense1Out, Hidden, batch), Act(GradB, Hidden, batch), Act(GradB, Hidden, batch), batch, Hidden, ActivationKind.ReLU);

        // dense1
        k.Gemm(true, false, Hidden, Hidden, batch, 1f, Act(GradB, Hidden, batch), Act(Dropout0Out, Hidden, batch), 1f, Fixed(GradientBase + Dense1Weight, Hidden * Hidden));
        k.BiasBackward(Act(GradB, Hidden, batch), Fixed(GradientBase + Dense1Bias, Hidden), batch, Hidden);
        k.Gemm(false, false, batch, Hidden, Hidden, 1f, Act(GradB, Hidden, batch), Fixed(Dense1Weight, Hidden * Hidden), 0f, Act(GradA, Hidden, batch));

        // dropout0, norm1, dense0's ReLU
        k.DropoutBackward(Act(GradA, Hidden, batch), Act(Dropout0Mask, Hidden, batch), Act(GradA, Hidden, batch));
        k.BatchNormBackward(Act(Dense0Out, Hidden, batch), Act(GradA, Hidden, batch), Act(GradB, Hidden, batch), Fixed(Norm1Weight, Hidden),
            Fixed(GradientBase + Norm1Weight, Hidden), Fixed(GradientBase + Norm1Bias, Hidden), Fixed(Norm1SavedMean, Hidden), Fixed(Norm1SavedInvStd, Hidden), batch, Hidden);
        k.ActivationBackward(Act(Dense0Out, Hidden, batch), Act(GradB, Hidden, batch), Act(GradB, Hidden, batch), batch, Hidden, ActivationKind.ReLU);

        // dense0
        k.Gemm(true, false, Hidden, InputSize, batch, 1f, Act(GradB, Hidden, batch), Act(Norm0Out, InputSize, batch), 1f, Fixed(GradientBase + Dense0Weight, Hidden * InputSize));
        k.BiasBackward(Act(GradB, Hidden, batch), Fixed(GradientBase + Dense0Bias, Hidden), batch, Hidden);
        k.Gemm(false, false, batch, InputSize, Hidden, 1f, Act(GradB, Hidden, batch), Fixed(Dense0Weight, Hidden * InputSize), 0f, Act(GradA, InputSize, batch));

        // norm0: gamma and beta need their gradients; the input's gradient lands in scratch
        k.BatchNormBackward(Act(InputSlot, InputSize, batch), Act(GradA, InputSize, batch), Act(GradB, InputSize, batch), Fixed(Norm0Weight, InputSize),
            Fixed(GradientBase + Norm0Weight, InputSize), Fixed(GradientBase + Norm0Bias, InputSize), Fixed(Norm0SavedMean, InputSize), Fixed(Norm0SavedInvStd, InputSize), batch, InputSize);
    }

    private static void NormForward(IBackend k, bool training, Buf x, Buf y, int gamma, int beta, int runningMean, int runningVar, int savedMean, int savedInvStd, int batch, int features)
    {
        if (training)
        {
            k.BatchNormTraining(x, y, Fixed(gamma, features), Fixed(beta, features), Fixed(runningMean, features), Fixed(runningVar, features),
                Fixed(savedMean, features), Fixed(savedInvStd, features), batch, features, 0.99f, 0.001f);
        }
        else
        {
            k.BatchNormInference(x, y, Fixed(gamma, features), Fixed(beta, features), Fixed(runningMean, features), Fixed(runningVar, features), batch, features, 0.001f);
        }
    }

    private void DropoutForward(IBackend k, bool training, Buf x, Buf y, Buf mask, int batch)
    {
        if (training)
        {
            k.DropoutForward(x, y, mask, 0.3f, RandomSeed, NextRandomStream(Hidden * batch));
        }
        else
        {
            k.Copy(x, y);
        }
    }
}
