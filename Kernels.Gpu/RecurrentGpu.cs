using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The element-wise halves of the recurrent cells (SimpleRNN, LSTM, GRU) and the sequence transpose. Every step
/// kernel runs one thread per (sample, unit) and handles all of that unit's gates, so each thread reads and writes
/// only its own elements (dh and dc are read, then overwritten, by the same thread) and nothing needs atomics.
/// Without a mask (or without dSequence) the kernel never reads that view: another view of the launch stands in
/// for it and a flag says it is absent.
/// </summary>
internal sealed class RecurrentGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>? _transpose;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, int, int, int>? _rnnForward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>? _rnnBackward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? _lstmForward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, int, int, int>? _lstmBackward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, int, int>? _gruForward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, int, int, int>? _gruBackward;

    /// <summary>source (outer, inner, width), destination (inner, outer, width): the first two axes swapped.</summary>
    public void Transpose(ArrayView<float> source, ArrayView<float> destination, int outer, int inner, int width)
    {
        if (destination.Length == 0)
        {
            return;
        }

        _transpose ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(SequenceTransposeKernel);
        _transpose((int)destination.Length, source, destination, outer, inner, width);
    }

    /// <summary>xp, hp, previous, h (B, H), biases (H), mask (B) or empty: h = act(xp + hp + biasIh + biasHh), or previous where masked.</summary>
    public void RnnForward(ArrayView<float> xp, ArrayView<float> hp, ArrayView<float> biasIh, ArrayView<float> biasHh, ArrayView<float> previous,
        ArrayView<float> mask, ArrayView<float> h, int units, ActivationKind kind)
    {
        if (h.Length == 0)
        {
            return;
        }

        _rnnForward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(RnnStepForwardKernel);
        _rnnForward((int)h.Length, xp, hp, biasIh, biasHh, previous, Present(mask, h), h, units, (int)kind, Flag(mask));
    }

    /// <summary>h, dSequence (or empty), dh, dGates (B, H), mask (B) or empty: dGates = m g act'(h), dh = (1 - m) g with g = dh + dSequence.</summary>
    public void RnnBackward(ArrayView<float> h, ArrayView<float> mask, ArrayView<float> dSequence, ArrayView<float> dh, ArrayView<float> dGates,
        int units, ActivationKind kind)
    {
        if (dh.Length == 0)
        {
            return;
        }

        _rnnBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, int, int, int, int>(RnnStepBackwardKernel);
        _rnnBackward((int)dh.Length, h, Present(mask, h), Present(dSequence, h), dh, dGates, units, (int)kind, Flag(mask), Flag(dSequence));
    }

    /// <summary>xp, hp, gates (B, 4H), biases (4H), previousH, previousC, h, c (B, H), mask (B) or empty: one LSTM step.</summary>
    public void LstmForward(ArrayView<float> xp, ArrayView<float> hp, ArrayView<float> biasIh, ArrayView<float> biasHh, ArrayView<float> previousH,
        ArrayView<float> previousC, ArrayView<float> mask, ArrayView<float> gates, ArrayView<float> h, ArrayView<float> c, int units)
    {
        if (h.Length == 0)
        {
            return;
        }

        _lstmForward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(LstmStepForwardKernel);
        _lstmForward((int)h.Length, xp, hp, biasIh, biasHh, previousH, previousC, Present(mask, h), gates, h, c, units, Flag(mask));
    }

    /// <summary>gates, dGates (B, 4H), previousC, c, dSequence (or empty), dh, dc (B, H), mask (B) or empty: one LSTM step backward.</summary>
    public void LstmBackward(ArrayView<float> gates, ArrayView<float> previousC, ArrayView<float> c, ArrayView<float> mask, ArrayView<float> dSequence,
        ArrayView<float> dh, ArrayView<float> dc, ArrayView<float> dGates, int units)
    {
        if (dh.Length == 0)
        {
            return;
        }

        _lstmBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(LstmStepBackwardKernel);
        _lstmBackward((int)dh.Length, gates, previousC, c, Present(mask, dh), Present(dSequence, dh), dh, dc, dGates, units, Flag(mask), Flag(dSequence));
    }

    /// <summary>xp, hp (B, 3H), biases (3H), previous, h (B, H), gates (B, 4H), mask (B) or empty: one GRU step.</summary>
    public void GruForward(ArrayView<float> xp, ArrayView<float> hp, ArrayView<float> biasIh, ArrayView<float> biasHh, ArrayView<float> previous,
        ArrayView<float> mask, ArrayView<float> gates, ArrayView<float> h, int units)
    {
        if (h.Length == 0)
        {
            return;
        }

        _gruForward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(GruStepForwardKernel);
        _gruForward((int)h.Length, xp, hp, biasIh, biasHh, previous, Present(mask, h), gates, h, units, Flag(mask));
    }

    /// <summary>gates (B, 4H), previous, dSequence (or empty), dh (B, H), dInputGates, dRecurrentGates (B, 3H), mask (B) or empty: one GRU step backward.</summary>
    public void GruBackward(ArrayView<float> gates, ArrayView<float> previous, ArrayView<float> mask, ArrayView<float> dSequence, ArrayView<float> dh,
        ArrayView<float> dInputGates, ArrayView<float> dRecurrentGates, int units)
    {
        if (dh.Length == 0)
        {
            return;
        }

        _gruBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(GruStepBackwardKernel);
        _gruBackward((int)dh.Length, gates, previous, Present(mask, dh), Present(dSequence, dh), dh, dInputGates, dRecurrentGates, units,
            Flag(mask), Flag(dSequence));
    }

    /// <summary>
    /// source (outer, inner, width), destination (inner, outer, width), one destination element per thread:
    /// destination[n, o, w] = source[o, n, w].
    /// </summary>
    internal static void SequenceTransposeKernel(Index1D index, ArrayView<float> source, ArrayView<float> destination, int outer, int inner, int width)
    {
        int i = index;
        int w = i % width, rest = i / width;
        int o = rest % outer, n = rest / outer;
        destination[i] = source[(((o * inner) + n) * width) + w];
    }

    /// <summary>
    /// xp, hp, previous, h (B, H), biasIh, biasHh (H), mask (B) when <paramref name="masked"/>, one (b, j) per thread:
    /// h[b, j] = act(xp[b, j] + hp[b, j] + biasIh[j] + biasHh[j]), or previous[b, j] where mask[b] is 0.
    /// </summary>
    internal static void RnnStepForwardKernel(Index1D index, ArrayView<float> xp, ArrayView<float> hp, ArrayView<float> biasIh, ArrayView<float> biasHh,
        ArrayView<float> previous, ArrayView<float> mask, ArrayView<float> h, int units, int kind, int masked)
    {
        int i = index;
        int j = i % units;
        if (masked != 0 && mask[i / units] == 0f)
        {
            h[i] = previous[i];
            return;
        }

        float pre = xp[i] + hp[i] + biasIh[j] + biasHh[j];
        h[i] = kind == (int)ActivationKind.ReLU ? (pre > 0f || float.IsNaN(pre) ? pre : 0f) : MathF.Tanh(pre);
    }

    /// <summary>
    /// h, dSequence, dh, dGates (B, H), mask (B), one (b, j) per thread, with g = dh + dSequence (the gradient of h_t):
    /// h = act(pre) gives dGates = g act'(pre), read from the output (1 - h^2 for Tanh, h &gt; 0 for ReLU), and dh = 0
    /// (the whole gradient of h_(t-1) comes through the recurrent product); a masked sample (h = previous) gives
    /// dGates = 0 and dh = g.
    /// </summary>
    internal static void RnnStepBackwardKernel(Index1D index, ArrayView<float> h, ArrayView<float> mask, ArrayView<float> dSequence,
        ArrayView<float> dh, ArrayView<float> dGates, int units, int kind, int masked, int withSequence)
    {
        int i = index;
        float g = withSequence != 0 ? dh[i] + dSequence[i] : dh[i];
        if (masked != 0 && mask[i / units] == 0f)
        {
            dGates[i] = 0f;
            dh[i] = g;
            return;
        }

        float v = h[i];
        dGates[i] = g * (kind == (int)ActivationKind.ReLU ? (v > 0f ? 1f : 0f) : 1f - (v * v));
        dh[i] = 0f;
    }

    /// <summary>
    /// xp, hp, gates (B, 4H) in gate order (i, f, g, o), biasIh, biasHh (4H), previousH, previousC, h, c (B, H), mask (B)
    /// when <paramref name="masked"/>, one (b, j) per thread: each gate's pre-activation is xp + hp + biasIh + biasHh at
    /// its column k H + j; i, f, o = sigmoid, g = tanh; gates keeps them (masked samples too); c = f previousC + i g,
    /// h = o tanh(c), or previousC and previousH where mask[b] is 0.
    /// </summary>
    internal static void LstmStepForwardKernel(Index1D index, ArrayView<float> xp, ArrayView<float> hp, ArrayView<float> biasIh, ArrayView<float> biasHh,
        ArrayView<float> previousH, ArrayView<float> previousC, ArrayView<float> mask, ArrayView<float> gates, ArrayView<float> h, ArrayView<float> c,
        int units, int masked)
    {
        int i = index;
        int b = i / units, j = i % units;
        int row = (b * 4 * units) + j;
        float input = Sigmoid(xp[row] + hp[row] + biasIh[j] + biasHh[j]);
        float forget = Sigmoid(xp[row + units] + hp[row + units] + biasIh[units + j] + biasHh[units + j]);
        float cell = MathF.Tanh(xp[row + (2 * units)] + hp[row + (2 * units)] + biasIh[(2 * units) + j] + biasHh[(2 * units) + j]);
        float output = Sigmoid(xp[row + (3 * units)] + hp[row + (3 * units)] + biasIh[(3 * units) + j] + biasHh[(3 * units) + j]);
        gates[row] = input;
        gates[row + units] = forget;
        gates[row + (2 * units)] = cell;
        gates[row + (3 * units)] = output;
        if (masked != 0 && mask[b] == 0f)
        {
            h[i] = previousH[i];
            c[i] = previousC[i];
            return;
        }

        float ct = (forget * previousC[i]) + (input * cell);
        c[i] = ct;
        h[i] = output * MathF.Tanh(ct);
    }

    /// <summary>
    /// gates, dGates (B, 4H) in gate order (i, f, g, o), previousC, c, dSequence, dh, dc (B, H), mask (B), one (b, j) per
    /// thread, with g_h = dh + dSequence (the gradient of h_t) and dc the gradient of c_t from step t + 1:
    /// h = o tanh(c) gives do = g_h tanh(c) and dc_t = dc + g_h o (1 - tanh(c)^2);
    /// c = f previousC + i g gives di = dc_t g, df = dc_t previousC, dg = dc_t i and dc_(t-1) = dc_t f;
    /// each through its activation (sigmoid' = s (1 - s), tanh' = 1 - t^2) into dGates; dh = 0.
    /// A masked sample (h, c = previous) gives dGates = 0, dh = g_h and leaves dc as it is.
    /// </summary>
    internal static void LstmStepBackwardKernel(Index1D index, ArrayView<float> gates, ArrayView<float> previousC, ArrayView<float> c,
        ArrayView<float> mask, ArrayView<float> dSequence, ArrayView<float> dh, ArrayView<float> dc, ArrayView<float> dGates,
        int units, int masked, int withSequence)
    {
        int i = index;
        int b = i / units, j = i % units;
        int row = (b * 4 * units) + j;
        float g = withSequence != 0 ? dh[i] + dSequence[i] : dh[i];
        if (masked != 0 && mask[b] == 0f)
        {
            dGates[row] = 0f;
            dGates[row + units] = 0f;
            dGates[row + (2 * units)] = 0f;
            dGates[row + (3 * units)] = 0f;
            dh[i] = g;
            return;
        }

        float input = gates[row], forget = gates[row + units], cell = gates[row + (2 * units)], output = gates[row + (3 * units)];
        float tanhC = MathF.Tanh(c[i]);
        float dct = dc[i] + (g * output * (1f - (tanhC * tanhC)));

        // Input gate, forget gate, cell candidate, output gate, each times its activation's derivative.
        dGates[row] = dct * cell * input * (1f - input);
        dGates[row + units] = dct * previousC[i] * forget * (1f - forget);
        dGates[row + (2 * units)] = dct * input * (1f - (cell * cell));
        dGates[row + (3 * units)] = g * tanhC * output * (1f - output);
        dc[i] = dct * forget;
        dh[i] = 0f;
    }

    /// <summary>
    /// xp, hp (B, 3H) in gate order (r, z, n), biasIh, biasHh (3H), previous, h (B, H), gates (B, 4H), mask (B) when
    /// <paramref name="masked"/>, one (b, j) per thread: r = sigmoid(xp_r + b_ir + hp_r + b_hr), z likewise,
    /// hn = hp_n + b_hn, n = tanh(xp_n + b_in + r hn); gates = (r, z, n, hn) (masked samples too);
    /// h = (1 - z) n + z previous, or previous where mask[b] is 0.
    /// </summary>
    internal static void GruStepForwardKernel(Index1D index, ArrayView<float> xp, ArrayView<float> hp, ArrayView<float> biasIh, ArrayView<float> biasHh,
        ArrayView<float> previous, ArrayView<float> mask, ArrayView<float> gates, ArrayView<float> h, int units, int masked)
    {
        int i = index;
        int b = i / units, j = i % units;
        int row = (b * 3 * units) + j, kept = (b * 4 * units) + j;
        float reset = Sigmoid(xp[row] + biasIh[j] + hp[row] + biasHh[j]);
        float update = Sigmoid(xp[row + units] + biasIh[units + j] + hp[row + units] + biasHh[units + j]);
        float recurrent = hp[row + (2 * units)] + biasHh[(2 * units) + j];
        float candidate = MathF.Tanh(xp[row + (2 * units)] + biasIh[(2 * units) + j] + (reset * recurrent));
        gates[kept] = reset;
        gates[kept + units] = update;
        gates[kept + (2 * units)] = candidate;
        gates[kept + (3 * units)] = recurrent;
        float p = previous[i];
        h[i] = masked != 0 && mask[b] == 0f ? p : ((1f - update) * candidate) + (update * p);
    }

    /// <summary>
    /// gates (B, 4H) holding (r, z, n, hn), previous, dSequence, dh (B, H), dInputGates, dRecurrentGates (B, 3H), mask (B),
    /// one (b, j) per thread, with g = dh + dSequence (the gradient of h_t):
    /// h = (1 - z) n + z previous gives dn = g (1 - z), dz = g (previous - n) and the direct dh = z g;
    /// n = tanh(xp_n + b_in + r hn) gives dn_pre = dn (1 - n^2), dr = dn_pre hn and d(hn) = dn_pre r;
    /// r, z = sigmoid give dr_pre = dr r (1 - r), dz_pre = dz z (1 - z).
    /// dInputGates = (dr_pre, dz_pre, dn_pre), dRecurrentGates = (dr_pre, dz_pre, dn_pre r). A masked sample gives zeros and dh = g.
    /// </summary>
    internal static void GruStepBackwardKernel(Index1D index, ArrayView<float> gates, ArrayView<float> previous, ArrayView<float> mask,
        ArrayView<float> dSequence, ArrayView<float> dh, ArrayView<float> dInputGates, ArrayView<float> dRecurrentGates,
        int units, int masked, int withSequence)
    {
        int i = index;
        int b = i / units, j = i % units;
        int row = (b * 3 * units) + j, kept = (b * 4 * units) + j;
        float g = withSequence != 0 ? dh[i] + dSequence[i] : dh[i];
        if (masked != 0 && mask[b] == 0f)
        {
            dInputGates[row] = 0f;
            dInputGates[row + units] = 0f;
            dInputGates[row + (2 * units)] = 0f;
            dRecurrentGates[row] = 0f;
            dRecurrentGates[row + units] = 0f;
            dRecurrentGates[row + (2 * units)] = 0f;
            dh[i] = g;
            return;
        }

        float reset = gates[kept], update = gates[kept + units], candidate = gates[kept + (2 * units)], recurrent = gates[kept + (3 * units)];
        float dCandidate = g * (1f - update) * (1f - (candidate * candidate));
        float dUpdate = g * (previous[i] - candidate) * update * (1f - update);
        float dReset = dCandidate * recurrent * reset * (1f - reset);
        dInputGates[row] = dReset;
        dInputGates[row + units] = dUpdate;
        dInputGates[row + (2 * units)] = dCandidate;
        dRecurrentGates[row] = dReset;
        dRecurrentGates[row + units] = dUpdate;
        dRecurrentGates[row + (2 * units)] = dCandidate * reset;
        dh[i] = update * g;
    }

    /// <summary>1 / (1 + exp(-x)), as <see cref="ActivationGpu"/> computes it.</summary>
    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>An optional view, or <paramref name="standIn"/> (never read) when it is empty.</summary>
    private static ArrayView<float> Present(ArrayView<float> view, ArrayView<float> standIn) => view.Length > 0 ? view : standIn;

    /// <summary>1 when an optional view is present, 0 when it is empty.</summary>
    private static int Flag(ArrayView<float> view) => view.Length > 0 ? 1 : 0;
}
