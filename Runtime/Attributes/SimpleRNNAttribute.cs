namespace ModelGen;

/// <summary>
/// A plain recurrent layer over a (T, F) sequence: h_t = act(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh), as Keras'
/// SimpleRNN and PyTorch's nn.RNN compute it. Keras' initialisers: Glorot-uniform weight_ih, orthogonal weight_hh,
/// zero biases. Stored as PyTorch does: <c>weight_ih_l0</c> (H, F), <c>weight_hh_l0</c> (H, H), <c>bias_ih_l0</c>
/// and <c>bias_hh_l0</c> (H).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class SimpleRNNAttribute : RegularizedRecurrentAttribute
{
    /// <summary>Declares a recurrent layer of <paramref name="units"/> hidden units with <paramref name="activation"/> (Tanh or ReLU).</summary>
    public SimpleRNNAttribute(int units, Activation activation = Activation.Tanh)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>Hidden units H.</summary>
    public int Units { get; }

    /// <summary>The state's activation: Tanh (the default) or ReLU.</summary>
    public Activation Activation { get; }

    /// <summary>Whether the layer outputs h_t of every step, (T, H), or only the last state, (H) (the default).</summary>
    public bool ReturnSequences { get; set; }

    /// <summary>The layer's name in summaries and weight files; by default <c>simple_rnn</c> and its index.</summary>
    public string? Name { get; set; }
}
