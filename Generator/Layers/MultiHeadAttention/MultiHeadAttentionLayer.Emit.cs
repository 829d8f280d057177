using System.Collections.Generic;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.MultiHeadAttention;

internal sealed partial class MultiHeadAttentionLayer
{
    /// <summary>
    /// PyTorch's nn.MultiheadAttention tensors with Keras' initialisers: in_proj_weight (3D, E) stacks the query, key and
    /// value kernels, each Glorot-uniform with the fans of Keras' (E, heads, KeyDim) einsum kernel (heads E in,
    /// KeyDim E out); out_proj.weight (E, D) with those of its (heads, KeyDim, E) kernel (D in, heads E out); biases zero.
    /// </summary>
    public override IEnumerable<PlannedParameter> Parameters(LayerPlan layer)
    {
        var g = Geometry(layer);
        string name = layer.Spec.Name;
        yield return new PlannedParameter(layer.Id + "InWeight", name + ".in_proj_weight", 0, [3 * g.Inner, g.Width], true, "GlorotUniform", g.Heads * g.Width, g.KeyDim * g.Width, "");
        yield return new PlannedParameter(layer.Id + "InBias", name + ".in_proj_bias", 0, [3 * g.Inner], true, "Zeros", 0, 0, "");
        yield return new PlannedParameter(layer.Id + "OutWeight", name + ".out_proj.weight", 0, [g.Width, g.Inner], true, "GlorotUniform", g.Inner, g.Heads * g.Width, "");
        yield return new PlannedParameter(layer.Id + "OutBias", name + ".out_proj.bias", 0, [g.Width], true, "Zeros", 0, 0, "");
    }

    /// <summary>
    /// The projections and the split heads (one set for self-attention, queries and keys-values apart for two inputs),
    /// the probabilities (and the dropout's mask and output), the context before and after merging the heads, the
    /// backward's probability and head gradients, then the output. The forward slots hold gradients in the backward pass.
    /// </summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        var g = Geometry(layer);
        string n = layer.Spec.Name;
        string probabilities = $"(B, {g.Heads}, {g.Queries}, {g.Keys})";
        void Add(string key, int width, string description) => plan.AddSlot(layer.Id + key, width, n, description);

        if (g.Self)
        {
            Add("Projections", 3 * g.Queries * g.Inner, $"q, k, v projections (B, {g.Queries}, 3, {g.Heads}, {g.KeyDim}); their gradients in the backward pass");
            Add("Heads", 3 * g.Queries * g.Inner, $"q, k, v per head (B, {g.Heads}, 3, {g.Queries}, {g.KeyDim})");
        }
        else
        {
            Add("QueryProjections", g.Queries * g.Inner, $"q projections (B, {g.Queries}, {g.Heads}, {g.KeyDim}); their gradients in the backward pass");
            Add("KeyValueProjections", 2 * g.Keys * g.Inner, $"k, v projections (B, {g.Keys}, 2, {g.Heads}, {g.KeyDim}); their gradients in the backward pass");
            Add("QueryHeads", g.Queries * g.Inner, $"q per head (B, {g.Heads}, {g.Queries}, {g.KeyDim})");
            Add("KeyValueHeads", 2 * g.Keys * g.Inner, $"k, v per head (B, {g.Heads}, 2, {g.Keys}, {g.KeyDim})");
        }

        Add("Probabilities", g.Heads * g.Queries * g.Keys, $"scores, then attention probabilities {probabilities}");
        if (g.Dropout > 0)
        {
            Add("DropoutMask", g.Heads * g.Queries * g.Keys, $"dropout mask of the probabilities {probabilities}");
            Add("Dropped", g.Heads * g.Queries * g.Keys, $"probabilities after dropout {probabilities}");
        }

        Add("Context", g.Queries * g.Inner, $"context per head (B, {g.Heads}, {g.Queries}, {g.KeyDim}); its gradient in the backward pass");
        Add("Merged", g.Queries * g.Inner, $"context, heads merged (B, {g.Queries}, {g.Heads}, {g.KeyDim}); its gradient in the backward pass");
        Add("DProbabilities", g.Heads * g.Queries * g.Keys, $"probability, then score gradients {probabilities}");
        if (g.Self)
        {
            Add("DHeads", 3 * g.Queries * g.Inner, $"q, k, v gradients per head (B, {g.Heads}, 3, {g.Queries}, {g.KeyDim})");
        }
        else
        {
            Add("DQueryHeads", g.Queries * g.Inner, $"q gradients per head (B, {g.Heads}, {g.Queries}, {g.KeyDim})");
            Add("DKeyValueHeads", 2 * g.Keys * g.Inner, $"k, v gradients per head (B, {g.Heads}, 2, {g.Keys}, {g.KeyDim})");
        }

        layer.OutputSlot = plan.AddOutputSlot(layer, "");
    }

    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var spec = (MultiHeadAttentionSpec)layer.Spec;
        var g = Geometry(layer);
        string from = g.Self ? "self-attention" : $"keys and values {layer.ExtraInputs[0].Shape}";
        string masked = g.Mask is null ? "" : ", padded keys masked";
        writer.WriteLine($"// {spec.Name}: {Describe(spec)}  {layer.Input} -> {layer.Output}; {from}{masked}");
        using (writer.WriteBlock())
        {
            string x = Buffers.Act(layer.ForwardInput, layer.InputWidth);
            string linear = Literals.Activation(ActivationFunction.Linear);
            if (g.Self)
            {
                writer.WriteLine($"// q, k, v = x in_proj_weight^T + in_proj_bias, one GEMM over the {g.Queries} * batch steps: (B, {g.Queries}, 3, {g.Heads}, {g.KeyDim})");
                writer.WriteLine($"var projections = {Slot(layer, "Projections", 3 * g.Queries * g.Inner)};");
                writer.WriteLine($"k.Gemm(false, true, {g.Queries} * batch, {3 * g.Inner}, {g.Width}, 1f, {x}, {InWeight(layer, 0, 3)}, 0f, projections);");
                writer.WriteLine($"k.BiasActivation(projections, {InBias(layer, 0, 3)}, {g.Queries} * batch, {3 * g.Inner}, {linear});");
                writer.WriteLine($"// split the heads: (B, {g.Queries}, 3, {g.Heads}, {g.KeyDim}) -> (B, {g.Heads}, 3, {g.Queries}, {g.KeyDim}); each head's q, k and v are ({g.Queries}, {g.KeyDim}) blocks");
                writer.WriteLine($"var heads = {Slot(layer, "Heads", 3 * g.Queries * g.Inner)};");
                writer.WriteLine($"k.SwapAxes(projections, heads, batch, {g.Queries}, 3, {g.Heads}, {g.KeyDim}, false);");
            }
            else
            {
                string keyValues = Buffers.Act(layer.ExtraInputs[0].Slot, layer.ExtraInputs[0].Width);
                writer.WriteLine($"// q = x in_proj_weight[q]^T + in_proj_bias[q] over the {g.Queries} * batch query steps; k, v from the second input over its {g.Keys} * batch steps");
                writer.WriteLine($"var queryProjections = {Slot(layer, "QueryProjections", g.Queries * g.Inner)};");
                writer.WriteLine($"k.Gemm(false, true, {g.Queries} * batch, {g.Inner}, {g.Width}, 1f, {x}, {InWeight(layer, 0, 1)}, 0f, queryProjections);");
                writer.WriteLine($"k.BiasActivation(queryProjections, {InBias(layer, 0, 1)}, {g.Queries} * batch, {g.Inner}, {linear});");
                writer.WriteLine($"var keyValueProjections = {Slot(layer, "KeyValueProjections", 2 * g.Keys * g.Inner)};");
                writer.WriteLine($"k.Gemm(false, true, {g.Keys} * batch, {2 * g.Inner}, {g.Width}, 1f, {keyValues}, {InWeight(layer, 1, 2)}, 0f, keyValueProjections);");
                writer.WriteLine($"k.BiasActivation(keyValueProjections, {InBias(layer, 1, 2)}, {g.Keys} * batch, {2 * g.Inner}, {linear});");
                writer.WriteLine($"// split the heads: q (B, {g.Heads}, {g.Queries}, {g.KeyDim}), k and v (B, {g.Heads}, 2, {g.Keys}, {g.KeyDim})");
                writer.WriteLine($"var queryHeads = {Slot(layer, "QueryHeads", g.Queries * g.Inner)};");
                writer.WriteLine($"k.SwapAxes(queryProjections, queryHeads, batch, {g.Queries}, 1, {g.Heads}, {g.KeyDim}, false);");
                writer.WriteLine($"var keyValueHeads = {Slot(layer, "KeyValueHeads", 2 * g.Keys * g.Inner)};");
                writer.WriteLine($"k.SwapAxes(keyValueProjections, keyValueHeads, batch, {g.Keys}, 2, {g.Heads}, {g.KeyDim}, false);");
            }

            WriteHeadViews(writer, g, gradients: false);
            string scale = Literals.Float(1 / System.Math.Sqrt(g.KeyDim));
            string mask = g.Mask is null ? "default" : Buffers.Act(g.Mask, g.Keys);
            writer.WriteLine($"// scores (B, {g.Heads}, {g.Queries}, {g.Keys}) = q k^T per head, then p = softmax(scores / sqrt({g.KeyDim}){(g.Mask is null ? "" : " + padding mask")}) in place");
            writer.WriteLine($"var p = {Slot(layer, "Probabilities", g.Heads * g.Queries * g.Keys)};");
            writer.WriteLine($"k.BatchedGemm(false, true, {g.Heads} * batch, {g.Queries}, {g.Keys}, {g.KeyDim}, 1f, queries, {g.QueryStride}, keys, {g.KeyStride}, 0f, p, {g.Queries * g.Keys});");
            writer.WriteLine($"k.AttentionSoftmax(p, {mask}, p, batch, {g.Heads}, {g.Queries}, {g.Keys}, {scale});");
            string attention = "p";
            if (g.Dropout > 0)
            {
                int count = g.Heads * g.Queries * g.Keys;
                writer.WriteLine($"var dropped = {Slot(layer, "Dropped", count)};");
                using (writer.WriteBlock("if (training)"))
                {
                    writer.WriteLine($"k.DropoutForward(p, dropped, {Slot(layer, "DropoutMask", count)}, {Literals.Float(g.Dropout)}, RandomSeed, NextRandomStream({count} * batch));");
                }

                attention = "training ? dropped : p";
            }

            writer.WriteLine($"// context (B, {g.Heads}, {g.Queries}, {g.KeyDim}) = p v per head, merged to (B, {g.Queries}, {g.Heads}, {g.KeyDim}); y = merged out_proj.weight^T + out_proj.bias");
            writer.WriteLine($"var context = {Slot(layer, "Context", g.Queries * g.Inner)};");
            writer.WriteLine($"k.BatchedGemm(false, false, {g.Heads} * batch, {g.Queries}, {g.KeyDim}, {g.Keys}, 1f, {attention}, {g.Queries * g.Keys}, values, {g.KeyStride}, 0f, context, {g.Queries * g.KeyDim});");
            writer.WriteLine($"var merged = {Slot(layer, "Merged", g.Queries * g.Inner)};");
            writer.WriteLine($"k.SwapAxes(context, merged, batch, {g.Heads}, 1, {g.Queries}, {g.KeyDim}, false);");
            string y = Buffers.Act(layer.OutputSlot, layer.OutputWidth);
            writer.WriteLine($"k.Gemm(false, true, {g.Queries} * batch, {g.Width}, {g.Inner}, 1f, merged, {Buffers.Fixed(layer.Id + "OutWeight", g.Width * g.Inner)}, 0f, {y});");
            writer.WriteLine($"k.BiasActivation({y}, {Buffers.Fixed(layer.Id + "OutBias", g.Width)}, {g.Queries} * batch, {g.Width}, {linear});");
        }
    }

    /// <summary>
    /// The reverse of the forward pass: the out projection's gradients and dMerged, dContext by the inverse swap, dp and
    /// dv, through the dropout's mask and the softmax, dq and dk, the heads merged back, then the in projection's
    /// gradients and the inputs' (parameter gradients accumulate, input gradients overwrite).
    /// </summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var g = Geometry(layer);
        string dy = Buffers.Act(layer.OutputGradient!, layer.OutputWidth);
        string input = layer.NeedsInputGradient ? $"; dx {layer.Input}" : "; the queries' input needs no gradient";
        string extra = !g.Self && layer.ExtraInputs[0].Gradient is not null ? $", dKeysValues {layer.ExtraInputs[0].Shape}" : "";
        writer.WriteLine($"// {layer.Spec.Name}: back through the out projection, the attention of each head and the in projection{input}{extra}");
        using (writer.WriteBlock())
        {
            string linearRows = $"{g.Queries} * batch";
            if (g.Self)
            {
                writer.WriteLine($"var projections = {Slot(layer, "Projections", 3 * g.Queries * g.Inner)}; // now their gradients");
                writer.WriteLine($"var heads = {Slot(layer, "Heads", 3 * g.Queries * g.Inner)};");
                writer.WriteLine($"var dHeads = {Slot(layer, "DHeads", 3 * g.Queries * g.Inner)};");
            }
            else
            {
                writer.WriteLine($"var queryProjections = {Slot(layer, "QueryProjections", g.Queries * g.Inner)}; // now their gradients");
                writer.WriteLine($"var keyValueProjections = {Slot(layer, "KeyValueProjections", 2 * g.Keys * g.Inner)}; // now their gradients");
                writer.WriteLine($"var queryHeads = {Slot(layer, "QueryHeads", g.Queries * g.Inner)};");
                writer.WriteLine($"var keyValueHeads = {Slot(layer, "KeyValueHeads", 2 * g.Keys * g.Inner)};");
                writer.WriteLine($"var dQueryHeads = {Slot(layer, "DQueryHeads", g.Queries * g.Inner)};");
                writer.WriteLine($"var dKeyValueHeads = {Slot(layer, "DKeyValueHeads", 2 * g.Keys * g.Inner)};");
            }

            WriteHeadViews(writer, g, gradients: false);
            WriteHeadViews(writer, g, gradients: true);
            int count = g.Heads * g.Queries * g.Keys;
            writer.WriteLine($"var p = {Slot(layer, "Probabilities", count)};");
            writer.WriteLine($"var dp = {Slot(layer, "DProbabilities", count)};");
            writer.WriteLine($"var context = {Slot(layer, "Context", g.Queries * g.Inner)}; // now dContext");
            writer.WriteLine($"var merged = {Slot(layer, "Merged", g.Queries * g.Inner)}; // now dMerged");
            writer.WriteLine($"// out projection: dOutWeight ({g.Width}, {g.Inner}) += dy^T merged, dOutBias += sum dy, dMerged = dy out_proj.weight");
            writer.WriteLine($"k.Gemm(true, false, {g.Width}, {g.Inner}, {linearRows}, 1f, {dy}, merged, 1f, {Buffers.Gradient(layer.Id + "OutWeight", g.Width * g.Inner)});");
            writer.WriteLine($"k.BiasBackward({dy}, {Buffers.Gradient(layer.Id + "OutBias", g.Width)}, {linearRows}, {g.Width});");
            writer.WriteLine($"k.Gemm(false, false, {linearRows}, {g.Inner}, {g.Width}, 1f, {dy}, {Buffers.Fixed(layer.Id + "OutWeight", g.Width * g.Inner)}, 0f, merged);");
            writer.WriteLine($"// dContext (B, {g.Heads}, {g.Queries}, {g.KeyDim}): the heads split again; dp = dContext v^T, dv = p^T dContext");
            writer.WriteLine($"k.SwapAxes(merged, context, batch, {g.Queries}, 1, {g.Heads}, {g.KeyDim}, false);");
            string attention = g.Dropout > 0 ? Slot(layer, "Dropped", count) : "p";
            writer.WriteLine($"k.BatchedGemm(false, true, {g.Heads} * batch, {g.Queries}, {g.Keys}, {g.KeyDim}, 1f, context, {g.Queries * g.KeyDim}, values, {g.KeyStride}, 0f, dp, {g.Queries * g.Keys});");
            writer.WriteLine($"k.BatchedGemm(true, false, {g.Heads} * batch, {g.Keys}, {g.KeyDim}, {g.Queries}, 1f, {attention}, {g.Queries * g.Keys}, context, {g.Queries * g.KeyDim}, 0f, dValues, {g.KeyStride});");
            if (g.Dropout > 0)
            {
                writer.WriteLine($"k.DropoutBackward(dp, {Slot(layer, "DropoutMask", count)}, dp); // through the dropout's mask");
            }

            writer.WriteLine($"// dScores = through the softmax (its 1 / sqrt({g.KeyDim}) included) in place; dq = dScores k, dk = dScores^T q");
            writer.WriteLine($"k.AttentionSoftmaxBackward(p, dp, dp, {g.Heads * g.Queries} * batch, {g.Keys}, {Literals.Float(1 / System.Math.Sqrt(g.KeyDim))});");
            writer.WriteLine($"k.BatchedGemm(false, false, {g.Heads} * batch, {g.Queries}, {g.KeyDim}, {g.Keys}, 1f, dp, {g.Queries * g.Keys}, keys, {g.KeyStride}, 0f, dQueries, {g.QueryStride});");
            writer.WriteLine($"k.BatchedGemm(true, false, {g.Heads} * batch, {g.Keys}, {g.KeyDim}, {g.Queries}, 1f, dp, {g.Queries * g.Keys}, queries, {g.QueryStride}, 0f, dKeys, {g.KeyStride});");
            string x = Buffers.Act(layer.InputSlot, layer.InputWidth);
            if (g.Self)
            {
                writer.WriteLine($"// heads merged back to (B, {g.Queries}, 3, {g.Heads}, {g.KeyDim}); dInWeight ({3 * g.Inner}, {g.Width}) += dProjections^T x, dInBias += sum dProjections");
                writer.WriteLine($"k.SwapAxes(dHeads, projections, batch, {g.Heads}, 3, {g.Queries}, {g.KeyDim}, false);");
                WriteInProjectionBackward(writer, layer, "projections", x, linearRows, 0, 3, layer.NeedsInputGradient ? Buffers.Act(layer.InputGradient!, layer.InputWidth) : null);
            }
            else
            {
                writer.WriteLine($"// heads merged back: dq (B, {g.Queries}, {g.Heads}, {g.KeyDim}) and dk, dv (B, {g.Keys}, 2, {g.Heads}, {g.KeyDim}); the in projection's blocks and the inputs");
                writer.WriteLine($"k.SwapAxes(dQueryHeads, queryProjections, batch, {g.Heads}, 1, {g.Queries}, {g.KeyDim}, false);");
                WriteInProjectionBackward(writer, layer, "queryProjections", x, linearRows, 0, 1, layer.NeedsInputGradient ? Buffers.Act(layer.InputGradient!, layer.InputWidth) : null);
                var second = layer.ExtraInputs[0];
                writer.WriteLine($"k.SwapAxes(dKeyValueHeads, keyValueProjections, batch, {g.Heads}, 2, {g.Keys}, {g.KeyDim}, false);");
                WriteInProjectionBackward(writer, layer, "keyValueProjections", Buffers.Act(second.Slot, second.Width), $"{g.Keys} * batch", 1, 2, second.Gradient is null ? null : Buffers.Act(second.Gradient, second.Width));
            }
        }
    }

    /// <summary>
    /// The gradients of in_proj rows [first D, (first + blocks) D): weight += dProjections^T input, bias += sum
    /// dProjections, and the input's gradient (overwritten) unless <paramref name="dInput"/> is null.
    /// </summary>
    private static void WriteInProjectionBackward(IndentedTextWriter writer, LayerPlan layer, string dProjections, string input, string rows, int first, int blocks, string? dInput)
    {
        var g = Geometry(layer);
        int outputs = blocks * g.Inner;
        writer.WriteLine($"k.Gemm(true, false, {outputs}, {g.Width}, {rows}, 1f, {dProjections}, {input}, 1f, {InWeight(layer, first, blocks, gradient: true)});");
        writer.WriteLine($"k.BiasBackward({dProjections}, {InBias(layer, first, blocks, gradient: true)}, {rows}, {outputs});");
        if (dInput is not null)
        {
            writer.WriteLine($"k.Gemm(false, false, {rows}, {g.Width}, {outputs}, 1f, {dProjections}, {InWeight(layer, first, blocks)}, 0f, {dInput});");
        }
    }

    /// <summary>
    /// The per-head views the batched GEMMs step through: q, k and v (or their gradients) as the first of
    /// heads * batch blocks, the next block a stride further.
    /// </summary>
    private static void WriteHeadViews(IndentedTextWriter writer, AttentionGeometry g, bool gradients)
    {
        string Name(string plain) => gradients ? "d" + char.ToUpperInvariant(plain[0]) + plain.Substring(1) : plain;
        string Offset(string all, int offset) => offset == 0 ? all : $"{all}.Slice({offset}, {all}.Length - {offset})";
        string heads = gradients ? "dHeads" : "heads";
        string queryHeads = gradients ? "dQueryHeads" : "queryHeads";
        string keyValueHeads = gradients ? "dKeyValueHeads" : "keyValueHeads";
        if (g.Self)
        {
            writer.WriteLine($"var {Name("queries")} = {heads};");
            writer.WriteLine($"var {Name("keys")} = {Offset(heads, g.Queries * g.KeyDim)};");
            writer.WriteLine($"var {Name("values")} = {Offset(heads, 2 * g.Queries * g.KeyDim)};");
        }
        else
        {
            writer.WriteLine($"var {Name("queries")} = {queryHeads};");
            writer.WriteLine($"var {Name("keys")} = {keyValueHeads};");
            writer.WriteLine($"var {Name("values")} = {Offset(keyValueHeads, g.Keys * g.KeyDim)};");
        }
    }

    /// <summary>in_proj_weight's rows [first D, (first + blocks) D), or their gradient.</summary>
    private static string InWeight(LayerPlan layer, int first, int blocks, bool gradient = false)
    {
        var g = Geometry(layer);
        string offset = layer.Id + "InWeight" + (first == 0 ? "" : " + " + Literals.Int(first * g.Inner * g.Width));
        return gradient ? Buffers.Gradient(offset, blocks * g.Inner * g.Width) : Buffers.Fixed(offset, blocks * g.Inner * g.Width);
    }

    /// <summary>in_proj_bias' entries [first D, (first + blocks) D), or their gradient.</summary>
    private static string InBias(LayerPlan layer, int first, int blocks, bool gradient = false)
    {
        var g = Geometry(layer);
        string offset = layer.Id + "InBias" + (first == 0 ? "" : " + " + Literals.Int(first * g.Inner));
        return gradient ? Buffers.Gradient(offset, blocks * g.Inner) : Buffers.Fixed(offset, blocks * g.Inner);
    }

    private static string Slot(LayerPlan layer, string key, int width) => Buffers.Act(layer.Id + key, width);

    private static AttentionGeometry Geometry(LayerPlan layer)
    {
        var spec = (MultiHeadAttentionSpec)layer.Spec;
        bool self = layer.ExtraInputs.Count == 0;
        int width = layer.Input.Dimensions[1];
        int keyDim = KeyDim(spec, width);
        int queries = layer.Input.Dimensions[0];
        int keys = self ? queries : layer.ExtraInputs[0].Shape.Dimensions[0];
        string? mask = self ? layer.SequenceMask : layer.ExtraInputs[0].Mask;
        return new AttentionGeometry(self, queries, keys, width, spec.Heads, keyDim, spec.Dropout, mask);
    }

    /// <summary>
    /// One call's sizes: query steps T, key steps S, width E, heads and KeyDim (D = heads * KeyDim), the dropout rate, the
    /// keys' (B, S) padding mask slot, and how far apart consecutive heads' q and k (or v) blocks lie.
    /// </summary>
    private readonly record struct AttentionGeometry(bool Self, int Queries, int Keys, int Width, int Heads, int KeyDim, double Dropout, string? Mask)
    {
        public int Inner => Heads * KeyDim;

        /// <summary>q blocks: 3 T KeyDim apart among q, k, v (self-attention), else T KeyDim.</summary>
        public int QueryStride => Self ? 3 * Queries * KeyDim : Queries * KeyDim;

        /// <summary>k and v blocks: 3 S KeyDim apart (self-attention), else 2 S KeyDim among k, v.</summary>
        public int KeyStride => Self ? 3 * Keys * KeyDim : 2 * Keys * KeyDim;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// nn.MultiheadAttention's computation in ONNX's operators: the in_proj_weight's three row blocks as the q, k and v
    /// projections (k and v from the second input in cross-attention), the heads split by Reshape and Transpose,
    /// scores q k^T / sqrt(KeyDim) plus -1e9 at padded keys, a softmax over the keys, the context merged back and out_proj.
    /// The generated code names the second input <c>extra0</c>.
    /// </remarks>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        var g = Geometry(layer);
        string name = layer.Spec.Name, id = layer.Id;
        string weight = OnnxEmit.Parameter(name + ".in_proj_weight"), bias = OnnxEmit.Parameter(name + ".in_proj_bias");
        writer.WriteLine($"string {id}Queries = x, {id}KeysValues = {(g.Self ? "x" : "extra0")};");
        string[] parts = ["q", "k", "v"];
        for (int p = 0; p < 3; p++)
        {
            string part = parts[p];
            string source = p == 0 ? id + "Queries" : id + "KeysValues";
            int steps = p == 0 ? g.Queries : g.Keys;
            string start = OnnxEmit.Int64s($"{name}.{part}_start", p * g.Inner), end = OnnxEmit.Int64s($"{name}.{part}_end", (p + 1) * g.Inner);
            string axis = OnnxEmit.Int64s($"{name}.{part}_axis", 0);
            writer.WriteLine($"string {id}W{part} = g.Node(\"Transpose\", {Literals.String($"{name}.{part}_weight_t")}, [g.Node(\"Slice\", {Literals.String($"{name}.{part}_weight")}, [{weight}, {start}, {end}, {axis}])]);");
            writer.WriteLine($"string {id}B{part} = g.Node(\"Slice\", {Literals.String($"{name}.{part}_bias")}, [{bias}, {start}, {end}, {axis}]);");
            writer.WriteLine($"x = g.Node(\"Add\", {Literals.String($"{name}.{part}")}, [g.Node(\"MatMul\", {Literals.String($"{name}.{part}_matmul")}, [{source}, {id}W{part}]), {id}B{part}]);");
            OnnxEmit.Node(writer, "Reshape", $"{name}.{part}_heads", ["x", OnnxEmit.Int64s($"{name}.{part}_heads_shape", 0, steps, g.Heads, g.KeyDim)]);
            long[] perm = p == 1 ? [0, 2, 3, 1] : [0, 2, 1, 3];
            OnnxEmit.Node(writer, "Transpose", $"{name}.{part}_per_head", ["x"], OnnxEmit.Ints("perm", perm));
            writer.WriteLine($"string {id}{part.ToUpperInvariant()} = x;");
        }

        // (B, H, T, KeyDim) (B, H, KeyDim, S) -> (B, H, T, S), scaled; the padded keys' bias; softmax over the keys.
        OnnxEmit.Node(writer, "MatMul", $"{name}.scores", [id + "Q", id + "K"]);
        OnnxEmit.Node(writer, "Mul", $"{name}.scaled", ["x", OnnxEmit.Scalar($"{name}.scale", 1 / System.Math.Sqrt(g.KeyDim))]);
        if (g.Mask is { } mask)
        {
            OnnxEmit.AddMaskBias(writer, OnnxEmit.Mask(mask), name, g.Keys, 3);
        }

        OnnxEmit.Node(writer, "Softmax", $"{name}.probabilities", ["x"], OnnxEmit.Int("axis", -1));
        OnnxEmit.Node(writer, "MatMul", $"{name}.context", ["x", id + "V"]);
        OnnxEmit.Node(writer, "Transpose", $"{name}.merged", ["x"], OnnxEmit.Ints("perm", 0, 2, 1, 3));
        OnnxEmit.Node(writer, "Reshape", $"{name}.merged_shaped", ["x", OnnxEmit.Int64s($"{name}.merged_shape", 0, g.Queries, g.Inner)]);
        OnnxEmit.Linear(writer, name + ".out_proj", 2);
    }
}
