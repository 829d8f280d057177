using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers.SimpleRNN;

/// <summary>
/// The plain recurrent layer, h_t = act(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh) with tanh (the default) or ReLU:
/// one input GEMM for all steps, one recurrent GEMM and one fused bias-and-activation kernel per step. The backward
/// pass needs only the states (the activation's derivative is written in terms of its output).
/// </summary>
internal sealed class SimpleRNNLayer : RecurrentKind
{
    public static SimpleRNNLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.SimpleRNNAttribute";

    public override string DefaultNamePrefix => "simple_rnn";

    protected override int GateCount => 1;

    protected override int SavedPerUnit => 0;

    protected override bool HasCell => false;

    protected override bool SplitsGateGradients => false;

    protected override string KindName => "SimpleRNN";

    protected override RecurrentSpec Create(string name, int units, bool returnSequences, ActivationFunction activation) =>
        new SimpleRNNSpec(name, units, returnSequences, activation);

    /// <summary>The second argument: Tanh (the default) or ReLU, as PyTorch's nn.RNN offers.</summary>
    protected override ActivationFunction ParseActivation(AttributeData attribute, string name, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var activation = EnumReader.Activation(AttributeArguments.Int(attribute, 1, (int)ActivationFunction.Tanh), location, diagnostics, allowGelu: true);
        if (activation is not (ActivationFunction.Tanh or ActivationFunction.ReLU))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationNotSupportedError, location, name, "SimpleRNN", activation,
                "a recurrent state takes Activation.Tanh (the default) or Activation.ReLU, as PyTorch's nn.RNN"));
            return ActivationFunction.Tanh;
        }

        return activation;
    }

    /// <summary>The activation.</summary>
    protected override long CellFlopsPerUnit(RecurrentSpec spec) => 1;

    protected override void EmitStepForward(IndentedTextWriter writer, RecurrentSpec spec, StepViews v) =>
        writer.WriteLine($"k.RnnStepForward({v.Projection}, hp, {v.BiasIh}, {v.BiasHh}, {v.Previous}, {v.Mask}, {v.State}, batch, {v.Units}, {Literals.Activation(spec.Activation)});");

    protected override void EmitStepBackward(IndentedTextWriter writer, RecurrentSpec spec, StepViews v) =>
        writer.WriteLine($"k.RnnStepBackward({v.State}, {v.Mask}, {v.DSequence}, dh, {v.Projection}, batch, {v.Units}, {Literals.Activation(spec.Activation)});");

    /// <inheritdoc/>
    protected override (string Operator, int[] GateOrder) OnnxForm => ("RNN", [0]);

    /// <inheritdoc/>
    protected override string[] OnnxAttributes(RecurrentSpec spec) =>
        [OnnxEmit.Strings("activations", spec.Activation == ActivationFunction.ReLU ? "Relu" : "Tanh")];
}
