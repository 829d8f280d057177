using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.LSTM;

/// <summary>
/// The LSTM layer: gates (i, f, g, o) from one input GEMM for all steps and one recurrent GEMM per step, then one fused
/// kernel per step for the gates, c_t = f c_(t-1) + i g and h_t = o tanh(c_t); the activated gates and every c_t are
/// kept for the backward pass. bias_ih starts with its forget block at 1 (Keras' unit_forget_bias).
/// </summary>
internal sealed class LSTMLayer : RecurrentKind
{
    public static LSTMLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.LSTMAttribute";

    public override string DefaultNamePrefix => "lstm";

    protected override int GateCount => 4;

    protected override int SavedPerUnit => 4;

    protected override bool HasCell => true;

    protected override bool SplitsGateGradients => false;

    protected override string KindName => "LSTM";

    protected override string InputBiasInit => "ForgetGateOnes";

    protected override RecurrentSpec Create(string name, int units, bool returnSequences, ActivationFunction activation) =>
        new LSTMSpec(name, units, returnSequences);

    /// <summary>Three sigmoids and two tanh, c's multiply-add and multiply, h's multiply.</summary>
    protected override long CellFlopsPerUnit(RecurrentSpec spec) => 5 + 3 + 1;

    protected override void EmitStepForward(IndentedTextWriter writer, RecurrentSpec spec, StepViews v) =>
        writer.WriteLine($"k.LstmStepForward({v.Projection}, hp, {v.BiasIh}, {v.BiasHh}, {v.Previous}, {v.PreviousCell}, {v.Mask}, {v.Gates}, {v.State}, {v.Cell}, batch, {v.Units});");

    protected override void EmitStepBackward(IndentedTextWriter writer, RecurrentSpec spec, StepViews v) =>
        writer.WriteLine($"k.LstmStepBackward({v.Gates}, {v.PreviousCell}, {v.Cell}, {v.Mask}, {v.DSequence}, dh, dc, {v.Projection}, batch, {v.Units});");

    /// <inheritdoc/>
    protected override (string Operator, int[] GateOrder) OnnxForm => ("LSTM", [0, 3, 1, 2]); // PyTorch i, f, g, o; ONNX i, o, f, c
}
