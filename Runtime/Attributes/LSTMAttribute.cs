namespace ModelGen;

/// <summary>
/// A long short-term memory layer over a (T, F) sequence, as Keras' LSTM and PyTorch's nn.LSTM compute it: gates
/// i, f, o = sigmoid and g = tanh of x W_ih^T + b_ih + h W_hh^T + b_hh, c_t = f c_(t-1) + i g, h_t = o tanh(c_t).
/// Keras' initialisers: Glorot-uniform weight_ih, orthogonal weight_hh, zero biases with the forget gate's at 1.
/// Stored as PyTorch does: <c>weight_ih_l0</c> (4H, F), <c>weight_hh_l0</c> (4H, H), <c>bias_ih_l0</c> and
/// <c>bias_hh_l0</c> (4H), gate order (i, f, g, o).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class LSTMAttribute : RegularizedRecurrentAttribute
{
    /// <summary>Declares an LSTM layer of <paramref name="units"/> hidden units.</summary>
    public LSTMAttribute(int units) => Units = units;

    /// <summary>Hidden units H.</summary>
    public int Units { get; }

    /// <summary>Whether the layer outputs h_t of every step, (T, H), or only the last state, (H) (the default).</summary>
    public bool ReturnSequences { get; set; }

    /// <summary>The layer's name in summaries and weight files; by default <c>lstm</c> and its index.</summary>
    public string? Name { get; set; }
}
