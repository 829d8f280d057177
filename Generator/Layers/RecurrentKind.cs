using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers;

/// <summary>
/// A recurrent layer's hyperparameters: [Cell(units, ReturnSequences = ..., Name = ...)]; SimpleRNN adds its
/// activation (the gated cells' is fixed). Must stay immutable with value equality.
/// </summary>
internal abstract record RecurrentSpec(string Name, int Units, bool ReturnSequences, ActivationFunction Activation) : LayerSpec(Name);

/// <summary>
/// What the recurrent kinds (SimpleRNN, LSTM, GRU) share: a (T, F) sequence in, (T, H) or the last state (H) out,
/// PyTorch's four tensors (weight_ih_l0 (G, F), weight_hh_l0 (G, H), bias_ih_l0 and bias_hh_l0 (G), G = gates * H)
/// with Keras' initialisers, and the emitted loops. Inside the layer every tensor is time-major (T, B, ...), so a
/// step of all samples is one contiguous view: the input is transposed once, its projections for all steps are one
/// GEMM, the recurrent product is one GEMM per step, a fused kernel does the gates and the state update, and in the
/// backward pass the weight gradients are one GEMM each over all steps after the loop through time.
/// </summary>
internal abstract class RecurrentKind : LayerKind
{
    /// <summary>Gate blocks per unit: 1, 4 (i, f, g, o) or 3 (r, z, n).</summary>
    protected abstract int GateCount { get; }

    /// <summary>Floats per unit and step the forward pass keeps for the backward one beyond the state (the activated gates).</summary>
    protected abstract int SavedPerUnit { get; }

    /// <summary>Whether the cell has a memory cell c beside its state h (the LSTM).</summary>
    protected abstract bool HasCell { get; }

    /// <summary>Whether the recurrent product's gate gradients differ from the input projection's (the GRU's n gate).</summary>
    protected abstract bool SplitsGateGradients { get; }

    /// <summary>The spec for the parsed arguments.</summary>
    protected abstract RecurrentSpec Create(string name, int units, bool returnSequences, ActivationFunction activation);

    /// <summary>The summary's name with its arguments: LSTM(128, sequences).</summary>
    protected abstract string KindName { get; }

    /// <summary>Elementwise FLOPs per unit and step of the gates and the state update.</summary>
    protected abstract long CellFlopsPerUnit(RecurrentSpec spec);

    /// <summary>The initialiser of bias_ih (the LSTM's forget gate starts at 1).</summary>
    protected virtual string InputBiasInit => "Zeros";

    /// <summary>Writes the step's forward kernel call; the arguments are the views' expressions.</summary>
    protected abstract void EmitStepForward(IndentedTextWriter writer, RecurrentSpec spec, StepViews views);

    /// <summary>Writes the step's backward kernel call.</summary>
    protected abstract void EmitStepBackward(IndentedTextWriter writer, RecurrentSpec spec, StepViews views);

    /// <summary>Reads [Cell(units, ..., ReturnSequences = ..., Name = ...)]; SimpleRNN's activation is its second argument.</summary>
    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        int units = AttributeArguments.Int(attribute, 0, 0);
        bool sequences = AttributeArguments.Named(attribute, "ReturnSequences") is { Value: true };
        var activation = ParseActivation(attribute, name, location, diagnostics);
        if (units < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, KindName, units, "units"));
        }

        return Create(name, units, sequences, activation);
    }

    /// <summary>The cell's activation: Tanh for the gated cells; SimpleRNN reads its argument.</summary>
    protected virtual ActivationFunction ParseActivation(AttributeData attribute, string name, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        ActivationFunction.Tanh;

    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        InferShape(spec, [], input, location, diagnostics);

    /// <summary>(B, T, F) -> (B, T, H) with ReturnSequences, else (B, H); the input must be a sequence.</summary>
    public override Shape? InferShape(LayerSpec layer, IReadOnlyList<LayerSpec> before, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var spec = (RecurrentSpec)layer;
        if (input.Rank != 2)
        {
            var last = before.OfType<RecurrentSpec>().LastOrDefault();
            string fix = input.Rank == 1 && last is { ReturnSequences: false }
                ? $"set ReturnSequences = true on '{last.Name}' ({last.Kind}), so that it passes on every step"
                : input.Rank == 1
                    ? "declare the input as [Input(steps, features)], or start with an [Embedding] over [Input(steps)] token ids"
                    : "a recurrent layer reads steps of feature vectors, not feature maps; declare the input as [Input(steps, features)]";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsSequenceError, location, spec.Name, spec.Kind, input.WithBatch, fix));
            return null;
        }

        return spec.ReturnSequences
            ? new Shape(EquatableArray.From(new[] { input.Dimensions[0], spec.Units }))
            : Shape.Vector(spec.Units);
    }

    public override bool IsTrainable => true;

    /// <summary>weight_ih (G, F), weight_hh (G, H) and the two biases (G).</summary>
    public override long TrainableCount(LayerSpec layer, Shape input)
    {
        long gates = (long)GateCount * ((RecurrentSpec)layer).Units;
        return (gates * input.Dimensions[input.Rank - 1]) + (gates * ((RecurrentSpec)layer).Units) + (2 * gates);
    }

    /// <summary>Per step: both products (a multiply and an add per weight), both biases, the gates and the update.</summary>
    public override long FlopsPerSample(LayerSpec layer, Shape input)
    {
        var spec = (RecurrentSpec)layer;
        if (input.Rank != 2)
        {
            return 0;
        }

        long gates = (long)GateCount * spec.Units;
        long perStep = (2 * gates * (input.Dimensions[1] + spec.Units)) + (2 * gates) + (CellFlopsPerUnit(spec) * spec.Units);
        return input.Dimensions[0] * perStep;
    }

    public override ActivationFunction? OutputActivation(LayerSpec spec) => ((RecurrentSpec)spec).Activation;

    public override string Describe(LayerSpec layer)
    {
        var spec = (RecurrentSpec)layer;
        var parts = new List<string> { spec.Units.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (spec.Kind == "SimpleRNN" && spec.Activation != ActivationFunction.Tanh)
        {
            parts.Add(spec.Activation.ToString());
        }

        if (spec.ReturnSequences)
        {
            parts.Add("sequences");
        }

        return $"{spec.Kind}({string.Join(", ", parts)})";
    }

    /// <summary>
    /// PyTorch's names and layouts: weight_ih_l0 (G, F) Glorot-uniform with Keras' fans (F in, G out), weight_hh_l0
    /// (G, H) orthogonal, bias_ih_l0 and bias_hh_l0 (G) zeros (the LSTM's bias_ih with its forget block at 1).
    /// </summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        var (steps, features, units, gates) = Sizes(layer);
        _ = steps;
        string name = layer.Spec.Name;
        yield return new PlannedParameter(layer.Id + "WeightIh", name + ".weight_ih_l0", 0, [gates, features], true, "GlorotUniform", features, gates, "");
        yield return new PlannedParameter(layer.Id + "WeightHh", name + ".weight_hh_l0", 0, [gates, units], true, "Orthogonal", 0, 0, "");
        yield return new PlannedParameter(layer.Id + "BiasIh", name + ".bias_ih_l0", 0, [gates], true, InputBiasInit, InputBiasInit == "Zeros" ? 0 : units, 0, "");
        yield return new PlannedParameter(layer.Id + "BiasHh", name + ".bias_hh_l0", 0, [gates], true, "Zeros", 0, 0, "");
    }

    /// <summary>
    /// The time-major scratch (input, projections, state, cell, kept gates, mask), the backward's state gradients
    /// and time-major output gradient, then the output.
    /// </summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        var spec = (RecurrentSpec)layer.Spec;
        var (steps, features, units, gates) = Sizes(layer);
        string n = spec.Name;
        void Add(string key, int width, string description) =>
            layer.ScratchSlots.Add(plan.AddSlot(layer.Id + key, width, n, description));

        Add("X", steps * features, $"input, time-major ({steps}, B, {features}); dx time-major in the backward pass");
        Add("Projections", steps * gates, $"x weight_ih^T, time-major ({steps}, B, {gates}); the gate gradients in the backward pass");
        Add("Recurrent", gates, $"h_(t-1) weight_hh^T of the current step (B, {gates})");
        Add("States", (steps + 1) * units, $"states h_(-1) = 0, h_0 .. h_{steps - 1}, time-major ({steps + 1}, B, {units})");
        if (HasCell)
        {
            Add("Cells", (steps + 1) * units, $"cells c_(-1) = 0, c_0 .. c_{steps - 1}, time-major ({steps + 1}, B, {units})");
        }

        if (SavedPerUnit > 0)
        {
            Add("Gates", steps * SavedPerUnit * units, $"activated gates kept for the backward pass ({steps}, B, {SavedPerUnit * units})");
        }

        if (SplitsGateGradients)
        {
            Add("RecurrentGradients", steps * gates, $"recurrent-product gate gradients, time-major ({steps}, B, {gates})");
        }

        if (layer.SequenceMask is not null)
        {
            Add("Mask", steps, $"padding mask, time-major ({steps}, B)");
        }

        Add("DState", units, $"dL/dh of the current step (B, {units})");
        if (HasCell)
        {
            Add("DCell", units, $"dL/dc of the current step (B, {units})");
        }

        if (spec.ReturnSequences)
        {
            Add("DSequence", steps * units, $"output gradient, time-major ({steps}, B, {units})");
        }

        layer.OutputSlot = plan.AddOutputSlot(layer, spec.ReturnSequences ? ", every step's state" : ", the last state");
    }

    /// <summary>A recurrent layer returning its last state consumes its input's mask; returning sequences, it passes it on.</summary>
    public override string? MaskAfter(LayerPlan layer, string? mask) => ((RecurrentSpec)layer.Spec).ReturnSequences ? mask : null;

    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (RecurrentSpec)layer.Spec;
        var (steps, features, units, gates) = Sizes(layer);
        string masked = layer.SequenceMask is null ? "" : ", padded steps skipped";
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}{masked}; time-major inside: one input GEMM for all {steps} steps, one recurrent GEMM per step");
        using (writer.WriteBlock())
        {
            writer.WriteLine($"var x = {Slot(layer, "X", steps * features)};");
            writer.WriteLine($"k.SequenceTranspose({Buffers.Act(layer.ForwardInput, layer.InputWidth)}, x, batch, {steps}, {features});");
            writer.WriteLine($"var projections = {Slot(layer, "Projections", steps * gates)};");
            writer.WriteLine($"k.Gemm(false, true, {steps} * batch, {gates}, {features}, 1f, x, {Weight(layer, "WeightIh", gates * features)}, 0f, projections);");
            WriteStateViews(writer, layer);
            writer.WriteLine($"var hp = {Slot(layer, "Recurrent", gates)};");
            if (layer.SequenceMask is not null)
            {
                writer.WriteLine($"var mask = {Slot(layer, "Mask", steps)};");
                writer.WriteLine($"k.SequenceTranspose({Buffers.Act(layer.SequenceMask, steps)}, mask, batch, {steps}, 1);");
            }

            writer.WriteLine($"k.Fill(Step(states, 0, batch, {units}), 0f);");
            if (HasCell)
            {
                writer.WriteLine($"k.Fill(Step(cells, 0, batch, {units}), 0f);");
            }

            writer.WriteLine("k.Fill(hp, 0f); // h_(-1) = 0: the first step has no recurrent product");
            using (writer.WriteBlock($"for (int t = 0; t < {steps}; t++)"))
            {
                using (writer.WriteBlock("if (t > 0)"))
                {
                    writer.WriteLine($"k.Gemm(false, true, batch, {gates}, {units}, 1f, Step(states, t, batch, {units}), {Weight(layer, "WeightHh", gates * units)}, 0f, hp);");
                }

                EmitStepForward(writer, spec, Views(layer));
            }

            string output = Buffers.Act(layer.OutputSlot, layer.OutputWidth);
            writer.WriteLine(spec.ReturnSequences
                ? $"k.SequenceTranspose(states.Slice(batch * {units}, {steps} * batch * {units}), {output}, {steps}, batch, {units});"
                : $"k.Copy(Step(states, {steps}, batch, {units}), {output});");
        }
    }

    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (RecurrentSpec)layer.Spec;
        var (steps, features, units, gates) = Sizes(layer);
        string dOutput = Buffers.Act(layer.OutputGradient!, layer.OutputWidth);
        string input = layer.NeedsInputGradient ? $", dx {layer.Input}" : "; the input needs no gradient";
        writer.WriteLine($"// {spec.Name}: back through time over {steps} steps, then dWeightIh ({gates}, {features}), dWeightHh ({gates}, {units}) and both biases over all steps at once{input}");
        using (writer.WriteBlock())
        {
            writer.WriteLine($"var x = {Slot(layer, "X", steps * features)};");
            writer.WriteLine($"var projections = {Slot(layer, "Projections", steps * gates)}; // now the gate gradients");
            WriteStateViews(writer, layer);
            if (layer.SequenceMask is not null)
            {
                writer.WriteLine($"var mask = {Slot(layer, "Mask", steps)};");
            }

            writer.WriteLine($"var dh = {Slot(layer, "DState", units)};");
            if (HasCell)
            {
                writer.WriteLine($"var dc = {Slot(layer, "DCell", units)};");
                writer.WriteLine("k.Fill(dc, 0f);");
            }

            if (spec.ReturnSequences)
            {
                writer.WriteLine($"var dSequence = {Slot(layer, "DSequence", steps * units)};");
                writer.WriteLine($"k.SequenceTranspose({dOutput}, dSequence, batch, {steps}, {units});");
                writer.WriteLine("k.Fill(dh, 0f);");
            }
            else
            {
                writer.WriteLine($"k.Copy({dOutput}, dh); // dL/dh_{steps - 1} from the layer above");
            }

            string recurrentGradients = SplitsGateGradients ? "recurrentGradients" : "projections";
            if (SplitsGateGradients)
            {
                writer.WriteLine($"var recurrentGradients = {Slot(layer, "RecurrentGradients", steps * gates)};");
            }

            using (writer.WriteBlock($"for (int t = {steps - 1}; t >= 0; t--)"))
            {
                EmitStepBackward(writer, spec, Views(layer));
                using (writer.WriteBlock("if (t > 0)"))
                {
                    writer.WriteLine($"k.Gemm(false, false, batch, {units}, {gates}, 1f, Step({recurrentGradients}, t, batch, {gates}), {Weight(layer, "WeightHh", gates * units)}, 1f, dh);");
                }
            }

            writer.WriteLine($"k.Gemm(true, false, {gates}, {units}, {steps} * batch, 1f, {recurrentGradients}, states.Slice(0, {steps} * batch * {units}), 1f, {Buffers.Gradient(layer.Id + "WeightHh", gates * units)});");
            writer.WriteLine($"k.Gemm(true, false, {gates}, {features}, {steps} * batch, 1f, projections, x, 1f, {Buffers.Gradient(layer.Id + "WeightIh", gates * features)});");
            writer.WriteLine($"k.BiasBackward(projections, {Buffers.Gradient(layer.Id + "BiasIh", gates)}, {steps} * batch, {gates});");
            writer.WriteLine($"k.BiasBackward({recurrentGradients}, {Buffers.Gradient(layer.Id + "BiasHh", gates)}, {steps} * batch, {gates});");
            if (layer.NeedsInputGradient)
            {
                writer.WriteLine($"k.Gemm(false, false, {steps} * batch, {features}, {gates}, 1f, projections, {Weight(layer, "WeightIh", gates * features)}, 0f, x); // dx, time-major");
                writer.WriteLine($"k.SequenceTranspose(x, {Buffers.Act(layer.InputGradient!, layer.InputWidth)}, {steps}, batch, {features});");
            }
        }
    }

    private void WriteStateViews(IndentedTextWriter writer, LayerPlan layer)
    {
        var (steps, _, units, _) = Sizes(layer);
        writer.WriteLine($"var states = {Slot(layer, "States", (steps + 1) * units)};");
        if (HasCell)
        {
            writer.WriteLine($"var cells = {Slot(layer, "Cells", (steps + 1) * units)};");
        }

        if (SavedPerUnit > 0)
        {
            writer.WriteLine($"var gates = {Slot(layer, "Gates", steps * SavedPerUnit * units)};");
        }
    }

    /// <summary>The step views' expressions inside the loops (t is the loop variable).</summary>
    private StepViews Views(LayerPlan layer)
    {
        var spec = (RecurrentSpec)layer.Spec;
        var (_, _, units, gates) = Sizes(layer);
        string H(string all, string t) => $"Step({all}, {t}, batch, {units})";
        return new StepViews(
            Projection: $"Step(projections, t, batch, {gates})",
            BiasIh: Weight(layer, "BiasIh", gates),
            BiasHh: Weight(layer, "BiasHh", gates),
            Previous: H("states", "t"),
            State: H("states", "t + 1"),
            PreviousCell: HasCell ? H("cells", "t") : "",
            Cell: HasCell ? H("cells", "t + 1") : "",
            Gates: SavedPerUnit > 0 ? $"Step(gates, t, batch, {SavedPerUnit * units})" : "",
            Mask: layer.SequenceMask is null ? "default" : "Step(mask, t, batch, 1)",
            DSequence: spec.ReturnSequences ? H("dSequence", "t") : "default",
            RecurrentGradients: SplitsGateGradients ? $"Step(recurrentGradients, t, batch, {gates})" : "",
            Units: units);
    }

    private static string Slot(LayerPlan layer, string key, int width) => Buffers.Act(layer.Id + key, width);

    private static string Weight(LayerPlan layer, string key, int length) => Buffers.Fixed(layer.Id + key, length);

    /// <summary>Steps T, features F, units H and gate rows G = gates * H of the layer.</summary>
    protected (int Steps, int Features, int Units, int Gates) Sizes(LayerPlan layer)
    {
        var spec = (RecurrentSpec)layer.Spec;
        return (layer.Input.Dimensions[0], layer.Input.Dimensions[1], spec.Units, GateCount * spec.Units);
    }

    /// <summary>The expressions of one step's views, for a cell's kernel calls.</summary>
    protected readonly record struct StepViews(
        string Projection, string BiasIh, string BiasHh, string Previous, string State, string PreviousCell, string Cell,
        string Gates, string Mask, string DSequence, string RecurrentGradients, int Units);

    /// <summary>The ONNX operator (RNN, LSTM, GRU) and the order of PyTorch's gate blocks in ONNX's (order[k]: the PyTorch block at k).</summary>
    protected abstract (string Operator, int[] GateOrder) OnnxForm { get; }

    /// <summary>The ONNX operator's extra attributes (GRU's linear_before_reset, SimpleRNN's activation).</summary>
    protected virtual string[] OnnxAttributes(RecurrentSpec spec) => [];

    /// <inheritdoc/>
    /// <remarks>
    /// ONNX's recurrent operator over the time-major sequence (ONNX Runtime has no batch-first layout), its weights and
    /// biases reordered into ONNX's gate order; Y (T, 1, B, H) is the sequence, and its last step the state. A masked
    /// sequence (after MaskZero or Masking) skips steps anywhere, which the operator's sequence_lens cannot say: it runs
    /// step by step (<c>OnnxGraph.MaskedRecurrence</c>).
    /// </remarks>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (RecurrentSpec)layer.Spec;
        string name = spec.Name, id = layer.Id;
        (string op, int[] order) = OnnxForm;
        string blocks = string.Join(", ", order.Select(k => Literals.Int(k)));
        writer.WriteLine($"string {id}W = g.RecurrentWeight({Literals.String(name + ".weight_ih_l0")}, {Literals.String(name + ".W")}, {blocks});");
        writer.WriteLine($"string {id}R = g.RecurrentWeight({Literals.String(name + ".weight_hh_l0")}, {Literals.String(name + ".R")}, {blocks});");
        writer.WriteLine($"string {id}B = g.RecurrentBias({Literals.String(name + ".bias_ih_l0")}, {Literals.String(name + ".bias_hh_l0")}, {Literals.String(name + ".B")}, {blocks});");
        if (layer.SequenceMask is { } mask)
        {
            // Padding skipped anywhere in the sequence: the operator one step at a time, the state carried over masked steps.
            string attributes = string.Concat(OnnxAttributes(spec).Select(a => ", " + a));
            writer.WriteLine($"x = g.MaskedRecurrence({Literals.String(op)}, {Literals.String(name)}, x, {OnnxEmit.Mask(mask)}, {id}W, {id}R, {id}B, " +
                $"{Literals.Int(layer.Input.Dimensions[0])}, {Literals.Int(spec.Units)}, {(spec.ReturnSequences ? "true" : "false")}{attributes});");
            return;
        }

        OnnxEmit.Node(writer, "Transpose", name + ".time_major", ["x"], OnnxEmit.Ints("perm", 1, 0, 2));
        OnnxEmit.Node(writer, op, name + ".y", ["x", id + "W", id + "R", id + "B"], [OnnxEmit.Int("hidden_size", spec.Units), .. OnnxAttributes(spec)]);
        int steps = layer.Input.Dimensions[0];
        if (spec.ReturnSequences)
        {
            OnnxEmit.Node(writer, "Transpose", name + ".batch_major", ["x"], OnnxEmit.Ints("perm", 2, 0, 1, 3));
            OnnxEmit.Node(writer, "Reshape", name, ["x", OnnxEmit.Int64s(name + ".shape", 0, steps, spec.Units)]);
            return;
        }

        OnnxEmit.Node(writer, "Gather", name + ".last", ["x", OnnxEmit.Int64s(name + ".last_step", steps - 1)], OnnxEmit.Int("axis", 0));
        OnnxEmit.Node(writer, "Reshape", name, ["x", OnnxEmit.Int64s(name + ".shape", -1, spec.Units)]);
    }
}
