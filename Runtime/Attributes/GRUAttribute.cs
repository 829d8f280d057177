namespace ModelGen;

/// <summary>
/// A gated recurrent unit layer over a (T, F) sequence, as PyTorch's nn.GRU and Keras' GRU with reset_after = true
/// compute it: r, z = sigmoid(x W_i^T + b_i + h W_h^T + b_h), n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)),
/// h_t = (1 - z) n + z h_(t-1). (The primer's z is this 1 - z: the same cell with the gate named the other way.)
/// Keras' initialisers: Glorot-uniform weight_ih, orthogonal weight_hh, zero biases. Stored as PyTorch does:
/// <c>weight_ih_l0</c> (3H, F), <c>weight_hh_l0</c> (3H, H), <c>bias_ih_l0</c> and <c>bias_hh_l0</c> (3H),
/// gate order (r, z, n).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class GRUAttribute : RegularizedRecurrentAttribute
{
    /// <summary>Declares a GRU layer of <paramref name="units"/> hidden units.</summary>
    public GRUAttribute(int units) => Units = units;

    /// <summary>Hidden units H.</summary>
    public int Units { get; }

    /// <summary>Whether the layer outputs h_t of every step, (T, H), or only the last state, (H) (the default).</summary>
    public bool ReturnSequences { get; set; }

    /// <summary>The layer's name in summaries and weight files; by default <c>gru</c> and its index.</summary>
    public string? Name { get; set; }
}
