using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.GRU;

/// <summary>
/// The GRU layer as PyTorch's nn.GRU (Keras' reset_after = true): gates (r, z, n) from one input GEMM for all steps and
/// one recurrent GEMM per step, the reset gate applied to the recurrent product, h_t = (1 - z) n + z h_(t-1). The
/// recurrent product's n-gate gradient is r times the input's, so its gate gradients are kept apart for weight_hh.
/// </summary>
internal sealed class GRULayer : RecurrentKind
{
    public static GRULayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.GRUAttribute";

    public override string DefaultNamePrefix => "gru";

    protected override int GateCount => 3;

    /// <summary>r, z, n and the recurrent product's n part (before r multiplies it).</summary>
    protected override int SavedPerUnit => 4;

    protected override bool HasCell => false;

    protected override bool SplitsGateGradients => true;

    protected override string KindName => "GRU";

    protected override RecurrentSpec Create(string name, int units, bool returnSequences, ActivationFunction activation) =>
        new GRUSpec(name, units, returnSequences);

    /// <summary>Two sigmoids and a tanh, the reset multiply-add, and the update's three operations.</summary>
    protected override long CellFlopsPerUnit(RecurrentSpec spec) => 3 + 2 + 3;

    protected override void EmitStepForward(IndentedTextWriter writer, RecurrentSpec spec, StepViews v) =>
        writer.WriteLine($"k.GruStepForward({v.Projection}, hp, {v.BiasIh}, {v.BiasHh}, {v.Previous}, {v.Mask}, {v.Gates}, {v.State}, batch, {v.Units});");

    protected override void EmitStepBackward(IndentedTextWriter writer, RecurrentSpec spec, StepViews v) =>
        writer.WriteLine($"k.GruStepBackward({v.Gates}, {v.Previous}, {v.Mask}, {v.DSequence}, dh, {v.Projection}, {v.RecurrentGradients}, batch, {v.Units});");

    /// <inheritdoc/>
    protected override (string Operator, int[] GateOrder) OnnxForm => ("GRU", [1, 0, 2]); // PyTorch r, z, n; ONNX z, r, h

    /// <inheritdoc/>
    /// <remarks>The reset gate after the recurrent product, as PyTorch and Keras' reset_after.</remarks>
    protected override string[] OnnxAttributes(RecurrentSpec spec) => [OnnxEmit.Int("linear_before_reset", 1)];
}
