namespace ModelGen.Kernels;

/// <summary>
/// The element-wise halves of the recurrent layers (SimpleRNN, LSTM, GRU), the embedding lookup and the sequence
/// transpose. The generated code does the products itself with <see cref="Gemm"/>: the input projections of all
/// steps as one GEMM, the recurrent product as one GEMM per step, and the weight gradients as one GEMM each after
/// the backward loop. Inside a layer every per-step tensor is time-major, (T, B, ...), so that step t of all
/// samples is one contiguous (B, ...) view; the step kernels below see only those views.
/// <para>
/// Gate orders and biases are PyTorch's: LSTM (i, f, g, o), GRU (r, z, n); each cell has a bias on the input
/// projection (b_ih) and one on the recurrent product (b_hh). With <c>mask</c> (B) not empty, a sample whose mask
/// is 0 skips the step as Keras does: its state (and cell) is carried over unchanged, and in the backward pass its
/// gradient flows straight to the previous state and its gate gradients are 0.
/// </para>
/// <para>
/// Backward contract shared by the three cells: <c>dh</c> (B, H) holds on entry the part of dL/dh_t that came back
/// through the recurrent product of step t + 1 (zeros at the last step, or the layer's output gradient when it
/// returns its last state); <c>dSequence</c> (B, H), when not empty, adds the output gradient of step t. The kernel
/// overwrites <c>dh</c> with the part of dL/dh_(t-1) that does not pass through the recurrent weights (GRU's z h,
/// a masked sample's whole gradient, zeros otherwise), so that Gemm(dRecurrentGates, weight_hh, beta = 1) into
/// <c>dh</c> completes dL/dh_(t-1).
/// </para>
/// </summary>
public partial interface IBackend
{
    /// <summary>
    /// destination (inner, outer, width) = source (outer, inner, width) with the first two axes swapped:
    /// batch-first (B, T, W) to time-major (T, B, W) with outer = B, inner = T, and back with outer = T, inner = B.
    /// </summary>
    void SequenceTranspose(Buf source, Buf destination, int outer, int inner, int width);

    /// <summary>
    /// SimpleRNN step: h (B, H) = act(xp + hp + biasIh + biasHh), with xp (B, H) the step's input projection and
    /// hp (B, H) = h_(t-1) weight_hh^T; a masked sample keeps previous (B, H). The activation is Tanh or ReLU.
    /// </summary>
    void RnnStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf h, int batch, int units, ActivationKind activation);

    /// <summary>
    /// SimpleRNN step backward: g = dh + dSequence; dGates (B, H) = m g act'(h) (the pre-activation gradient, for
    /// both products and both biases); dh = (1 - m) g. h is the step's output (B, H).
    /// </summary>
    void RnnStepBackward(Buf h, Buf mask, Buf dSequence, Buf dh, Buf dGates, int batch, int units, ActivationKind activation);

    /// <summary>
    /// LSTM step with xp, hp (B, 4H) in gate order (i, f, g, o): i, f, o = sigmoid, g = tanh of xp + hp + biasIh +
    /// biasHh; c = f previousC + i g; h = o tanh(c). gates (B, 4H) receives the activated (i, f, g, o) for the
    /// backward pass. A masked sample keeps previousH and previousC.
    /// </summary>
    void LstmStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previousH, Buf previousC, Buf mask,
        Buf gates, Buf h, Buf c, int batch, int units);

    /// <summary>
    /// LSTM step backward: g = dh + dSequence; dc (B, H) holds dL/dc_t from step t + 1 on entry (zeros at the last
    /// step) and dL/dc_(t-1) on return; dGates (B, 4H) receives the pre-activation gate gradients (for both products
    /// and both biases); dh as the shared contract says. gates, previousC and c are what the forward step kept.
    /// </summary>
    void LstmStepBackward(Buf gates, Buf previousC, Buf c, Buf mask, Buf dSequence, Buf dh, Buf dc, Buf dGates, int batch, int units);

    /// <summary>
    /// GRU step as PyTorch's nn.GRU (Keras' reset_after = true), xp and hp (B, 3H) in gate order (r, z, n):
    /// r = sigmoid(xp_r + b_ir + hp_r + b_hr), z = sigmoid(xp_z + b_iz + hp_z + b_hz),
    /// n = tanh(xp_n + b_in + r (hp_n + b_hn)), h = (1 - z) n + z previous. gates (B, 4H) receives (r, z, n,
    /// hp_n + b_hn) for the backward pass. A masked sample keeps previous.
    /// </summary>
    void GruStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf gates, Buf h, int batch, int units);

    /// <summary>
    /// GRU step backward: g = dh + dSequence; dInputGates (B, 3H) receives the gradients of the input projection's
    /// pre-activations (r, z, n) (for weight_ih, bias_ih and the layer's input), dRecurrentGates (B, 3H) those of
    /// the recurrent product's (the n part times r) (for weight_hh, bias_hh and h_(t-1)); dh = z g for an unmasked
    /// sample, g for a masked one.
    /// </summary>
    void GruStepBackward(Buf gates, Buf previous, Buf mask, Buf dSequence, Buf dh, Buf dInputGates, Buf dRecurrentGates, int batch, int units);

    /// <summary>
    /// y (B, T, W) = table (V, W) rows at the token ids (B, T) (integers stored as floats); when mask is not empty,
    /// mask (B, T) = 1 where the id is not 0 and 0 where it is (padding). Throws before writing anything when an id
    /// is not an integer in [0, V), naming the sample (row of the batch) and the position.
    /// </summary>
    void EmbeddingForward(Buf ids, Buf table, Buf y, Buf mask, int batch, int steps, int vocabulary, int width);

    /// <summary>dTable (V, W) += dy (B, T, W) summed into the rows of the ids (B, T) (accumulates, as parameter gradients do).</summary>
    void EmbeddingBackward(Buf ids, Buf dy, Buf dTable, int batch, int steps, int vocabulary, int width);
}
