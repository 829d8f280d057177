namespace ModelGen.Onnx;

/// <summary>
/// An attribute of an ONNX node: an integer, a float or a list of integers (the kinds ModelGen's layers need).
/// </summary>
public readonly record struct OnnxAttribute
{
    private OnnxAttribute(string name, int type, long integer, float real, long[]? integers, string[]? texts = null)
    {
        Name = name;
        Type = type;
        Integer = integer;
        Real = real;
        Integers = integers;
        Texts = texts;
    }

    /// <summary>The attribute's name (<c>transB</c>, <c>kernel_shape</c>, ...).</summary>
    public string Name { get; }

    internal int Type { get; }

    internal long Integer { get; }

    internal float Real { get; }

    internal long[]? Integers { get; }

    internal string[]? Texts { get; }

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, 2, value, 0, null);

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, 1, 0, value, null);

    /// <summary>A list-of-integers attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, 7, 0, 0, values);

    /// <summary>A list-of-strings attribute (a recurrent operator's activations).</summary>
    public static OnnxAttribute Strings(string name, params string[] values) => new(name, 8, 0, 0, null, values);
}

/// <summary>
/// The inference graph of one model as the generated <c>BuildOnnx</c> writes it, node by node in topological order,
/// for <see cref="CompiledModel.ExportOnnx"/>: the model's parameters become initializers under their PyTorch names,
/// each layer's nodes keep the layer's name, and the batch dimension is the symbolic <c>batch</c>. Values are named
/// after the node that produces them.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>The operator set the graph is written against (LayerNormalization needs 17).</summary>
    public const int Opset = 17;

    private readonly Func<string, (float[] Values, int[] Shape)> _parameters;
    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _parametersAdded = new(StringComparer.Ordinal);

    internal OnnxGraph(Func<string, (float[] Values, int[] Shape)> parameters) => _parameters = parameters;

    /// <summary>The model parameter <paramref name="name"/> (its PyTorch name) as an initializer; added once, on first use.</summary>
    public string Parameter(string name)
    {
        if (_parametersAdded.Add(name))
        {
            (float[] values, int[] shape) = _parameters(name);
            _names.Add(name);
            _initializers.Add(FloatTensor(name, values, [.. shape.Select(d => (long)d)]));
        }

        return name;
    }

    /// <summary>
    /// A recurrent weight in ONNX's layout: PyTorch's <paramref name="parameter"/> (gates * H, F), its row blocks of H
    /// rows taken in <paramref name="order"/> (order[k]: the PyTorch block that goes k-th), as (1, gates * H, F).
    /// </summary>
    public string RecurrentWeight(string parameter, string name, params int[] order)
    {
        (float[] values, int[] shape) = _parameters(parameter);
        float[] reordered = Reorder(values, shape[0] / order.Length * shape[1], order);
        return Constant(name, reordered, 1, shape[0], shape[1]);
    }

    /// <summary>
    /// A recurrent bias in ONNX's layout: PyTorch's input and hidden biases (gates * H each), each reordered as
    /// <see cref="RecurrentWeight"/> reorders, one after the other as (1, 2 * gates * H).
    /// </summary>
    public string RecurrentBias(string inputBias, string hiddenBias, string name, params int[] order)
    {
        (float[] input, _) = _parameters(inputBias);
        (float[] hidden, _) = _parameters(hiddenBias);
        int block = input.Length / order.Length;
        return Constant(name, [.. Reorder(input, block, order), .. Reorder(hidden, block, order)], 1, 2 * input.Length);
    }

    private static float[] Reorder(float[] values, int block, int[] order)
    {
        var reordered = new float[values.Length];
        for (int k = 0; k < order.Length; k++)
        {
            Array.Copy(values, order[k] * block, reordered, k * block, block);
        }

        return reordered;
    }

    /// <summary>A float constant of shape <paramref name="dims"/> named <paramref name="name"/>.</summary>
    public string Constant(string name, float[] values, params long[] dims)
    {
        name = Claim(name);
        _initializers.Add(FloatTensor(name, values, dims));
        return name;
    }

    /// <summary>A one-dimensional int64 constant (a Reshape's shape, an Unsqueeze's axes).</summary>
    public string Int64s(string name, params long[] values)
    {
        name = Claim(name);
        var tensor = new ProtoWriter();
        tensor.PackedInts(1, [values.Length]);
        tensor.Int(2, 7);
        tensor.PackedInts(7, values);
        tensor.String(8, name);
        _initializers.Add(tensor);
        return name;
    }

    /// <summary>
    /// A node of operator <paramref name="opType"/> named <paramref name="name"/> (made unique) over <paramref name="inputs"/>
    /// (an empty string for an optional input left out); its one output is named after it, and returned.
    /// </summary>
    public string Node(string opType, string name, string[] inputs, params OnnxAttribute[] attributes) =>
        Nodes(opType, name, 1, inputs, attributes)[0];

    /// <summary>
    /// A node with <paramref name="outputs"/> outputs (a recurrent operator's Y, Y_h and Y_c): the first named after the
    /// node, the others with <c>:1</c>, <c>:2</c> appended; returns their names.
    /// </summary>
    public string[] Nodes(string opType, string name, int outputs, string[] inputs, params OnnxAttribute[] attributes)
    {
        name = Claim(name);
        var node = new ProtoWriter();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        var names = new string[outputs];
        for (int i = 0; i < outputs; i++)
        {
            names[i] = i == 0 ? name : Claim(name + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            node.String(2, names[i]);
        }

        node.String(3, name);
        node.String(4, opType);
        foreach (OnnxAttribute attribute in attributes)
        {
            var proto = new ProtoWriter();
            proto.String(1, attribute.Name);
            proto.Int(20, attribute.Type);
            switch (attribute.Type)
            {
                case 1: proto.Float(2, attribute.Real); break;
                case 2: proto.Int(3, attribute.Integer); break;
                case 8:
                    foreach (string text in attribute.Texts ?? [])
                    {
                        proto.String(9, text);
                    }

                    break;
                default: proto.PackedInts(8, attribute.Integers ?? []); break;
            }

            node.Message(5, proto);
        }

        _nodes.Add(node);
        return names;
    }

    /// <summary>
    /// A recurrent layer over a masked sequence, as the kernels run it: ONNX's <paramref name="opType"/> (RNN, LSTM, GRU)
    /// one step at a time, each step's new state kept where the (B, T) <paramref name="mask"/> is 1 and the previous
    /// state carried over where it is 0 (Keras' masking: padding skipped anywhere, which the operator's sequence_lens
    /// cannot say). <paramref name="x"/> is (B, T, F); the result is the last state (B, H), or with
    /// <paramref name="returnSequences"/> every step's state (B, T, H), a masked step repeating the state before it.
    /// </summary>
    public string MaskedRecurrence(string opType, string name, string x, string mask, string w, string r, string b, int steps, int units,
        bool returnSequences, params OnnxAttribute[] attributes)
    {
        bool hasCell = opType == "LSTM";
        string time = Node("Transpose", name + ".time_major", [x], OnnxAttribute.Ints("perm", 1, 0, 2));
        string keep = Node("Cast", name + ".keep", [Node("Unsqueeze", name + ".mask_steps", [Node("Transpose", name + ".mask_time_major", [mask],
            OnnxAttribute.Ints("perm", 1, 0)), Int64s(name + ".mask_axes", 2)])], OnnxAttribute.Int("to", 9));

        // Zeros (1, B, H) for the first step's carried state: the batch is only known when the graph runs.
        string batch = Node("Gather", name + ".batch", [Node("Shape", name + ".input_shape", [x]), Int64s(name + ".batch_axis", 0)], OnnxAttribute.Int("axis", 0));
        string stateShape = Node("Concat", name + ".state_shape", [Int64s(name + ".one", 1), batch, Int64s(name + ".units", units)], OnnxAttribute.Int("axis", 0));
        string zeros = Node("Expand", name + ".zeros", [Constant(name + ".zero", new float[units], 1, 1, units), stateShape]);
        attributes = [.. attributes, OnnxAttribute.Int("hidden_size", units)];

        string h = zeros, c = zeros;
        var sequence = new List<string>();
        for (int t = 0; t < steps; t++)
        {
            string step = $"{name}.step{t.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            string xt = Node("Slice", step + ".x", [time, Int64s(step + ".start", t), Int64s(step + ".end", t + 1), Int64s(step + ".axis", 0)]);
            string kt = Node("Slice", step + ".keep", [keep, Int64s(step + ".keep_start", t), Int64s(step + ".keep_end", t + 1), Int64s(step + ".keep_axis", 0)]);
            string[] inputs = hasCell ? [xt, w, r, b, "", h, c] : [xt, w, r, b, "", h];
            string[] outputs = Nodes(opType, step, hasCell ? 3 : 2, inputs, attributes);
            h = Node("Where", step + ".h", [kt, outputs[1], h]);
            if (hasCell)
            {
                c = Node("Where", step + ".c", [kt, outputs[2], c]);
            }

            sequence.Add(h);
        }

        if (returnSequences)
        {
            string all = Node("Concat", name + ".states", [.. sequence], OnnxAttribute.Int("axis", 0));
            return Node("Transpose", name, [all], OnnxAttribute.Ints("perm", 1, 0, 2));
        }

        return Node("Reshape", name, [h, Int64s(name + ".shape", -1, units)]);
    }

    /// <summary>Refuses the export: layer <paramref name="layer"/> is of a kind with no ONNX form yet.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public string Unsupported(string kind, string layer) =>
        throw new NotSupportedException($"Layer '{layer}' ({kind}) has no ONNX form yet, so this model cannot be exported to ONNX.");

    /// <summary>The ONNX file: the graph with <paramref name="inputs"/> and <paramref name="output"/> (per-sample shapes after the batch).</summary>
    internal byte[] Write(string graphName, IReadOnlyList<(string Name, int[] Shape)> inputs, (string Name, int[] Shape) output)
    {
        var graph = new ProtoWriter();
        foreach (ProtoWriter node in _nodes)
        {
            graph.Message(1, node);
        }

        graph.String(2, graphName);
        foreach (ProtoWriter initializer in _initializers)
        {
            graph.Message(5, initializer);
        }

        foreach ((string name, int[] shape) in inputs)
        {
            graph.Message(11, ValueInfo(name, shape));
        }

        graph.Message(12, ValueInfo(output.Name, output.Shape));

        var opset = new ProtoWriter();
        opset.String(1, "");
        opset.Int(2, Opset);
        var model = new ProtoWriter();
        model.Int(1, 8);
        model.String(2, "ModelGen");
        model.String(3, typeof(OnnxGraph).Assembly.GetName().Version?.ToString() ?? "0");
        model.Message(7, graph);
        model.Message(8, opset);
        return model.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <paramref name="name"/>, or with <c>_1</c>, <c>_2</c>, ... appended when a value has it already (a layer called
    /// twice in a graph model: its second call's nodes), so every value's name is unique.
    /// </summary>
    private string Claim(string name)
    {
        if (_names.Add(name))
        {
            return name;
        }

        for (int i = 1; ; i++)
        {
            string candidate = name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_names.Add(candidate))
            {
                return candidate;
            }
        }
    }

    private static ProtoWriter FloatTensor(string name, float[] values, long[] dims)
    {
        var tensor = new ProtoWriter();
        tensor.PackedInts(1, dims);
        tensor.Int(2, 1);
        tensor.String(8, name);
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX stores raw floats little-endian.");
        }

        tensor.Bytes(9, raw);
        return tensor;
    }

    /// <summary>A float tensor value of shape (batch, <paramref name="shape"/>...), the batch symbolic.</summary>
    private static ProtoWriter ValueInfo(string name, int[] shape)
    {
        var dims = new ProtoWriter();
        var batch = new ProtoWriter();
        batch.String(2, "batch");
        dims.Message(1, batch);
        foreach (int d in shape)
        {
            var dim = new ProtoWriter();
            dim.Int(1, d);
            dims.Message(1, dim);
        }

        var tensorType = new ProtoWriter();
        tensorType.Int(1, 1);
        tensorType.Message(2, dims);
        var type = new ProtoWriter();
        type.Message(1, tensorType);
        var info = new ProtoWriter();
        info.String(1, name);
        info.Message(2, type);
        return info;
    }
}
