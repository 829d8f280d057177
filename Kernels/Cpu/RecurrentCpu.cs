using System.Runtime.CompilerServices;
using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// The element-wise step kernels of SimpleRNN, LSTM and GRU (IBackend.Recurrent.cs has the contract): one pass over a
/// step's gates with the activations inlined (<see cref="VectorMath"/>), rows [b0, b1) of the batch (<see cref="StepJob"/>
/// splits by rows), each pass one body per cell generic over the width: whole vectors of the current width along the
/// units, then the same body at narrower widths for the columns left (<see cref="Split{TV}"/>). A row whose mask is 0
/// takes the masked branch (state carried over, gradient passed straight back); any other mask value takes the step.
/// </summary>
internal static unsafe class RecurrentCpu
{
    /// <summary>
    /// xp, hp, previous, h (B, H); biasIh, biasHh (H); mask (B) or null: h = act(xp + hp + biasIh + biasHh), or previous
    /// where the mask is 0. act is ReLU when <paramref name="relu"/>, else tanh.
    /// </summary>
    public static void RnnForward(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* mask, float* h,
        int b0, int b1, int units, bool relu)
    {
        switch (SimdWidth.Current)
        {
            case 512: RnnForward<V512>(xp, hp, biasIh, biasHh, previous, mask, h, b0, b1, units, relu); break;
            case 256: RnnForward<V256>(xp, hp, biasIh, biasHh, previous, mask, h, b0, b1, units, relu); break;
            case 128: RnnForward<V128>(xp, hp, biasIh, biasHh, previous, mask, h, b0, b1, units, relu); break;
            default: RnnForward<V1>(xp, hp, biasIh, biasHh, previous, mask, h, b0, b1, units, relu); break;
        }
    }

    /// <summary>
    /// h, dSequence (or null), dh, dGates (B, H); mask (B) or null: g = dh + dSequence; dGates = g act'(h) and dh = 0,
    /// or dGates = 0 and dh = g where the mask is 0.
    /// </summary>
    public static void RnnBackward(float* h, float* mask, float* dSequence, float* dh, float* dGates, int b0, int b1, int units, bool relu)
    {
        switch (SimdWidth.Current)
        {
            case 512: RnnBackward<V512>(h, mask, dSequence, dh, dGates, b0, b1, units, relu); break;
            case 256: RnnBackward<V256>(h, mask, dSequence, dh, dGates, b0, b1, units, relu); break;
            case 128: RnnBackward<V128>(h, mask, dSequence, dh, dGates, b0, b1, units, relu); break;
            default: RnnBackward<V1>(h, mask, dSequence, dh, dGates, b0, b1, units, relu); break;
        }
    }

    /// <summary>
    /// xp, hp, gates (B, 4H) in gate order (i, f, g, o); biasIh, biasHh (4H); previousH, previousC, h, c (B, H); mask (B)
    /// or null: gates = (sigmoid, sigmoid, tanh, sigmoid) of xp + hp + biasIh + biasHh, c = f previousC + i g,
    /// h = o tanh(c); previousH and previousC carried over where the mask is 0 (the gates are written for every row).
    /// </summary>
    public static void LstmForward(float* xp, float* hp, float* biasIh, float* biasHh, float* previousH, float* previousC, float* mask,
        float* gates, float* h, float* c, int b0, int b1, int units)
    {
        switch (SimdWidth.Current)
        {
            case 512: LstmForward<V512>(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, b0, b1, units); break;
            case 256: LstmForward<V256>(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, b0, b1, units); break;
            case 128: LstmForward<V128>(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, b0, b1, units); break;
            default: LstmForward<V1>(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, b0, b1, units); break;
        }
    }

    /// <summary>
    /// gates, dGates (B, 4H); previousC, c, dSequence (or null), dh, dc (B, H); mask (B) or null. With g = dh + dSequence and
    /// dc holding dL/dc_t from step t + 1: the pre-activation gate gradients into dGates, dL/dc_(t-1) into dc, 0 into dh
    /// (a masked row: dGates 0, dc unchanged, dh = g).
    /// </summary>
    public static void LstmBackward(float* gates, float* previousC, float* c, float* mask, float* dSequence, float* dh, float* dc, float* dGates,
        int b0, int b1, int units)
    {
        switch (SimdWidth.Current)
        {
            case 512: LstmBackward<V512>(gates, previousC, c, mask, dSequence, dh, dc, dGates, b0, b1, units); break;
            case 256: LstmBackward<V256>(gates, previousC, c, mask, dSequence, dh, dc, dGates, b0, b1, units); break;
            case 128: LstmBackward<V128>(gates, previousC, c, mask, dSequence, dh, dc, dGates, b0, b1, units); break;
            default: LstmBackward<V1>(gates, previousC, c, mask, dSequence, dh, dc, dGates, b0, b1, units); break;
        }
    }

    /// <summary>
    /// xp, hp (B, 3H) in gate order (r, z, n); biasIh, biasHh (3H); previous, h (B, H); gates (B, 4H) = (r, z, n, hp_n + b_hn);
    /// mask (B) or null: PyTorch's GRU cell, h = (1 - z) n + z previous, or previous where the mask is 0.
    /// </summary>
    public static void GruForward(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* mask, float* gates, float* h,
        int b0, int b1, int units)
    {
        switch (SimdWidth.Current)
        {
            case 512: GruForward<V512>(xp, hp, biasIh, biasHh, previous, mask, gates, h, b0, b1, units); break;
            case 256: GruForward<V256>(xp, hp, biasIh, biasHh, previous, mask, gates, h, b0, b1, units); break;
            case 128: GruForward<V128>(xp, hp, biasIh, biasHh, previous, mask, gates, h, b0, b1, units); break;
            default: GruForward<V1>(xp, hp, biasIh, biasHh, previous, mask, gates, h, b0, b1, units); break;
        }
    }

    /// <summary>
    /// gates (B, 4H) = (r, z, n, hn); previous, dSequence (or null), dh (B, H); dInputGates, dRecurrentGates (B, 3H); mask (B)
    /// or null. With g = dh + dSequence: the input pre-activation gradients (r, z, n), the recurrent ones (r, z, n r),
    /// dh = z g (a masked row: both gate gradients 0, dh = g).
    /// </summary>
    public static void GruBackward(float* gates, float* previous, float* mask, float* dSequence, float* dh, float* dInputGates, float* dRecurrentGates,
        int b0, int b1, int units)
    {
        switch (SimdWidth.Current)
        {
            case 512: GruBackward<V512>(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, b0, b1, units); break;
            case 256: GruBackward<V256>(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, b0, b1, units); break;
            case 128: GruBackward<V128>(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, b0, b1, units); break;
            default: GruBackward<V1>(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, b0, b1, units); break;
        }
    }

    // Each pass: its body over the columns of whole vectors of all rows [b0, b1), then the columns left (fewer than a
    // vector) at the narrower widths (see Split), each in a method of its own, so no loop spends another's inlining budget.

    private static void RnnForward<TV>(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* mask, float* h,
        int b0, int b1, int units, bool relu)
        where TV : struct, IVector<TV>
    {
        (int wide, int middle, int narrow) = Split<TV>(units);
        RnnForward<TV>(xp, hp, biasIh, biasHh, previous, mask, h, b0, b1, units, 0, wide, relu);
        if (middle > wide)
        {
            RnnForward<V256>(xp, hp, biasIh, biasHh, previous, mask, h, b0, b1, units, wide, middle, relu);
        }

        if (narrow > middle)
        {
            RnnForward<V128>(xp, hp, biasIh, biasHh, previous, mask, h, b0, b1, units, middle, narrow, relu);
        }

        if (units > narrow)
        {
            RnnForward<V1>(xp, hp, biasIh, biasHh, previous, mask, h, b0, b1, units, narrow, units, relu);
        }
    }

    /// <summary>Columns [j0, j1) of rows [b0, b1), in steps of TV.Count (j1 - j0 a multiple of it).</summary>
    private static void RnnForward<TV>(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* mask, float* h,
        int b0, int b1, int units, int j0, int j1, bool relu)
        where TV : struct, IVector<TV>
    {
        for (int b = b0; b < b1; b++)
        {
            long row = (long)b * units;
            bool skip = mask != null && mask[b] == 0f;
            for (int j = j0; j < j1; j += TV.Count)
            {
                RnnForwardAt<TV>(xp + row, hp + row, biasIh, biasHh, previous + row, h + row, j, skip, relu);
            }
        }
    }

    // Compiled as a method of its own, fully optimised and without tiering's profile: inlined into the row loop, whether
    // the JIT went on to inline its sigmoids and tanhs depended on which cell had run first in the process (dynamic PGO),
    // and a cell run after another ran its forward step 4-5x slower (LSTM 3.3 ms instead of 0.7 ms per training step,
    // Benchmarks --profile-rnn gru,lstm). The call per vector of units costs nothing measurable.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RnnForwardAt<TV>(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* h, int j, bool skip, bool relu)
        where TV : struct, IVector<TV>
    {
        if (skip)
        {
            TV.Load(previous + j).Store(h + j);
            return;
        }

        TV a = TV.Load(xp + j) + TV.Load(hp + j) + (TV.Load(biasIh + j) + TV.Load(biasHh + j));
        (relu ? TV.Relu(a) : VectorMath.Tanh(a)).Store(h + j);
    }

    private static void RnnBackward<TV>(float* h, float* mask, float* dSequence, float* dh, float* dGates, int b0, int b1, int units, bool relu)
        where TV : struct, IVector<TV>
    {
        (int wide, int middle, int narrow) = Split<TV>(units);
        RnnBackward<TV>(h, mask, dSequence, dh, dGates, b0, b1, units, 0, wide, relu);
        if (middle > wide)
        {
            RnnBackward<V256>(h, mask, dSequence, dh, dGates, b0, b1, units, wide, middle, relu);
        }

        if (narrow > middle)
        {
            RnnBackward<V128>(h, mask, dSequence, dh, dGates, b0, b1, units, middle, narrow, relu);
        }

        if (units > narrow)
        {
            RnnBackward<V1>(h, mask, dSequence, dh, dGates, b0, b1, units, narrow, units, relu);
        }
    }

    private static void RnnBackward<TV>(float* h, float* mask, float* dSequence, float* dh, float* dGates, int b0, int b1, int units,
        int j0, int j1, bool relu)
        where TV : struct, IVector<TV>
    {
        for (int b = b0; b < b1; b++)
        {
            long row = (long)b * units;
            float* ds = dSequence == null ? null : dSequence + row;
            bool skip = mask != null && mask[b] == 0f;
            for (int j = j0; j < j1; j += TV.Count)
            {
                RnnBackwardAt<TV>(h + row, ds, dh + row, dGates + row, j, skip, relu);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RnnBackwardAt<TV>(float* h, float* dSequence, float* dh, float* dGates, int j, bool skip, bool relu)
        where TV : struct, IVector<TV>
    {
        TV g = Gradient<TV>(dh, dSequence, j);
        if (skip)
        {
            TV.Zero.Store(dGates + j);
            g.Store(dh + j);
            return;
        }

        TV y = TV.Load(h + j);
        // h = act(a): dL/da = g act'(a), read from the output (ReLU: 1 where h > 0; tanh: 1 - h^2).
        TV derivative = relu ? TV.GreaterThan(y, TV.Zero) & TV.One : TV.One - (y * y);
        (g * derivative).Store(dGates + j);
        TV.Zero.Store(dh + j);
    }

    private static void LstmForward<TV>(float* xp, float* hp, float* biasIh, float* biasHh, float* previousH, float* previousC, float* mask,
        float* gates, float* h, float* c, int b0, int b1, int units)
        where TV : struct, IVector<TV>
    {
        (int wide, int middle, int narrow) = Split<TV>(units);
        LstmForward<TV>(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, b0, b1, units, 0, wide);
        if (middle > wide)
        {
            LstmForward<V256>(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, b0, b1, units, wide, middle);
        }

        if (narrow > middle)
        {
            LstmForward<V128>(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, b0, b1, units, middle, narrow);
        }

        if (units > narrow)
        {
            LstmForward<V1>(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, b0, b1, units, narrow, units);
        }
    }

    private static void LstmForward<TV>(float* xp, float* hp, float* biasIh, float* biasHh, float* previousH, float* previousC, float* mask,
        float* gates, float* h, float* c, int b0, int b1, int units, int j0, int j1)
        where TV : struct, IVector<TV>
    {
        for (int b = b0; b < b1; b++)
        {
            long row = (long)b * units, gateRow = row * 4;
            bool skip = mask != null && mask[b] == 0f;
            for (int j = j0; j < j1; j += TV.Count)
            {
                LstmForwardAt<TV>(xp + gateRow, hp + gateRow, biasIh, biasHh, previousH + row, previousC + row, gates + gateRow, h + row, c + row,
                    j, units, skip);
            }
        }
    }

    // Compiled as a method of its own, fully optimised and without tiering's profile: inlined into the row loop, whether
    // the JIT went on to inline its sigmoids and tanhs depended on which cell had run first in the process (dynamic PGO),
    // and a cell run after another ran its forward step 4-5x slower (LSTM 3.3 ms instead of 0.7 ms per training step,
    // Benchmarks --profile-rnn gru,lstm). The call per vector of units costs nothing measurable.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LstmForwardAt<TV>(float* xp, float* hp, float* biasIh, float* biasHh, float* previousH, float* previousC,
        float* gates, float* h, float* c, int j, int units, bool skip)
        where TV : struct, IVector<TV>
    {
        int jf = j + units, jg = jf + units, jo = jg + units;
        TV i = VectorMath.Sigmoid(PreActivation<TV>(xp, hp, biasIh, biasHh, j));
        TV f = VectorMath.Sigmoid(PreActivation<TV>(xp, hp, biasIh, biasHh, jf));
        TV g = VectorMath.Tanh(PreActivation<TV>(xp, hp, biasIh, biasHh, jg));
        TV o = VectorMath.Sigmoid(PreActivation<TV>(xp, hp, biasIh, biasHh, jo));
        i.Store(gates + j);
        f.Store(gates + jf);
        g.Store(gates + jg);
        o.Store(gates + jo);
        TV pc = TV.Load(previousC + j);
        if (skip)
        {
            TV.Load(previousH + j).Store(h + j);
            pc.Store(c + j);
            return;
        }

        TV cell = TV.FusedMultiplyAdd(f, pc, i * g);
        cell.Store(c + j);
        (o * VectorMath.Tanh(cell)).Store(h + j);
    }

    private static void LstmBackward<TV>(float* gates, float* previousC, float* c, float* mask, float* dSequence, float* dh, float* dc, float* dGates,
        int b0, int b1, int units)
        where TV : struct, IVector<TV>
    {
        (int wide, int middle, int narrow) = Split<TV>(units);
        LstmBackward<TV>(gates, previousC, c, mask, dSequence, dh, dc, dGates, b0, b1, units, 0, wide);
        if (middle > wide)
        {
            LstmBackward<V256>(gates, previousC, c, mask, dSequence, dh, dc, dGates, b0, b1, units, wide, middle);
        }

        if (narrow > middle)
        {
            LstmBackward<V128>(gates, previousC, c, mask, dSequence, dh, dc, dGates, b0, b1, units, middle, narrow);
        }

        if (units > narrow)
        {
            LstmBackward<V1>(gates, previousC, c, mask, dSequence, dh, dc, dGates, b0, b1, units, narrow, units);
        }
    }

    private static void LstmBackward<TV>(float* gates, float* previousC, float* c, float* mask, float* dSequence, float* dh, float* dc, float* dGates,
        int b0, int b1, int units, int j0, int j1)
        where TV : struct, IVector<TV>
    {
        for (int b = b0; b < b1; b++)
        {
            long row = (long)b * units, gateRow = row * 4;
            float* ds = dSequence == null ? null : dSequence + row;
            bool skip = mask != null && mask[b] == 0f;
            for (int j = j0; j < j1; j += TV.Count)
            {
                LstmBackwardAt<TV>(gates + gateRow, previousC + row, c + row, ds, dh + row, dc + row, dGates + gateRow, j, units, skip);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LstmBackwardAt<TV>(float* gates, float* previousC, float* c, float* dSequence, float* dh, float* dc, float* dGates,
        int j, int units, bool skip)
        where TV : struct, IVector<TV>
    {
        int jf = j + units, jg = jf + units, jo = jg + units;
        TV gh = Gradient<TV>(dh, dSequence, j);
        if (skip)
        {
            // A masked row carried h and c over: both gradients pass straight back (dc unchanged), the gates get none.
            TV.Zero.Store(dGates + j);
            TV.Zero.Store(dGates + jf);
            TV.Zero.Store(dGates + jg);
            TV.Zero.Store(dGates + jo);
            gh.Store(dh + j);
            return;
        }

        TV i = TV.Load(gates + j), f = TV.Load(gates + jf), g = TV.Load(gates + jg), o = TV.Load(gates + jo);
        TV tc = VectorMath.Tanh(TV.Load(c + j));
        TV one = TV.One;
        // h = o tanh(c): dL/do = gh tanh(c), and o = sigmoid(a_o) gives o (1 - o).
        (gh * tc * (o * (one - o))).Store(dGates + jo);
        // dL/dc = dc (from step t + 1) + gh o (1 - tanh(c)^2).
        TV dCell = TV.FusedMultiplyAdd(gh * o, one - (tc * tc), TV.Load(dc + j));
        // c = f previousC + i g: dL/di = dCell g, dL/df = dCell previousC, dL/dg = dCell i; then each gate's activation.
        (dCell * g * (i * (one - i))).Store(dGates + j);
        (dCell * TV.Load(previousC + j) * (f * (one - f))).Store(dGates + jf);
        (dCell * i * (one - (g * g))).Store(dGates + jg);
        // dL/dc_(t-1) = dCell f; h_(t-1) reaches this step only through the recurrent product.
        (dCell * f).Store(dc + j);
        TV.Zero.Store(dh + j);
    }

    private static void GruForward<TV>(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* mask, float* gates, float* h,
        int b0, int b1, int units)
        where TV : struct, IVector<TV>
    {
        (int wide, int middle, int narrow) = Split<TV>(units);
        GruForward<TV>(xp, hp, biasIh, biasHh, previous, mask, gates, h, b0, b1, units, 0, wide);
        if (middle > wide)
        {
            GruForward<V256>(xp, hp, biasIh, biasHh, previous, mask, gates, h, b0, b1, units, wide, middle);
        }

        if (narrow > middle)
        {
            GruForward<V128>(xp, hp, biasIh, biasHh, previous, mask, gates, h, b0, b1, units, middle, narrow);
        }

        if (units > narrow)
        {
            GruForward<V1>(xp, hp, biasIh, biasHh, previous, mask, gates, h, b0, b1, units, narrow, units);
        }
    }

    private static void GruForward<TV>(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* mask, float* gates, float* h,
        int b0, int b1, int units, int j0, int j1)
        where TV : struct, IVector<TV>
    {
        for (int b = b0; b < b1; b++)
        {
            long row = (long)b * units;
            bool skip = mask != null && mask[b] == 0f;
            for (int j = j0; j < j1; j += TV.Count)
            {
                GruForwardAt<TV>(xp + (row * 3), hp + (row * 3), biasIh, biasHh, previous + row, gates + (row * 4), h + row, j, units, skip);
            }
        }
    }

    // Compiled as a method of its own, fully optimised and without tiering's profile: inlined into the row loop, whether
    // the JIT went on to inline its sigmoids and tanhs depended on which cell had run first in the process (dynamic PGO),
    // and a cell run after another ran its forward step 4-5x slower (LSTM 3.3 ms instead of 0.7 ms per training step,
    // Benchmarks --profile-rnn gru,lstm). The call per vector of units costs nothing measurable.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GruForwardAt<TV>(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* gates, float* h,
        int j, int units, bool skip)
        where TV : struct, IVector<TV>
    {
        int jz = j + units, jn = jz + units, jhn = jn + units;
        TV r = VectorMath.Sigmoid(PreActivation<TV>(xp, hp, biasIh, biasHh, j));
        TV z = VectorMath.Sigmoid(PreActivation<TV>(xp, hp, biasIh, biasHh, jz));
        TV hn = TV.Load(hp + jn) + TV.Load(biasHh + jn);
        TV n = VectorMath.Tanh(TV.FusedMultiplyAdd(r, hn, TV.Load(xp + jn) + TV.Load(biasIh + jn)));
        r.Store(gates + j);
        z.Store(gates + jz);
        n.Store(gates + jn);
        hn.Store(gates + jhn);
        TV p = TV.Load(previous + j);
        // h = (1 - z) n + z previous, as n + z (previous - n).
        (skip ? p : TV.FusedMultiplyAdd(z, p - n, n)).Store(h + j);
    }

    private static void GruBackward<TV>(float* gates, float* previous, float* mask, float* dSequence, float* dh, float* dInputGates,
        float* dRecurrentGates, int b0, int b1, int units)
        where TV : struct, IVector<TV>
    {
        (int wide, int middle, int narrow) = Split<TV>(units);
        GruBackward<TV>(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, b0, b1, units, 0, wide);
        if (middle > wide)
        {
            GruBackward<V256>(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, b0, b1, units, wide, middle);
        }

        if (narrow > middle)
        {
            GruBackward<V128>(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, b0, b1, units, middle, narrow);
        }

        if (units > narrow)
        {
            GruBackward<V1>(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, b0, b1, units, narrow, units);
        }
    }

    private static void GruBackward<TV>(float* gates, float* previous, float* mask, float* dSequence, float* dh, float* dInputGates,
        float* dRecurrentGates, int b0, int b1, int units, int j0, int j1)
        where TV : struct, IVector<TV>
    {
        for (int b = b0; b < b1; b++)
        {
            long row = (long)b * units;
            float* ds = dSequence == null ? null : dSequence + row;
            bool skip = mask != null && mask[b] == 0f;
            for (int j = j0; j < j1; j += TV.Count)
            {
                GruBackwardAt<TV>(gates + (row * 4), previous + row, ds, dh + row, dInputGates + (row * 3), dRecurrentGates + (row * 3), j, units, skip);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GruBackwardAt<TV>(float* gates, float* previous, float* dSequence, float* dh, float* dInputGates, float* dRecurrentGates,
        int j, int units, bool skip)
        where TV : struct, IVector<TV>
    {
        int jz = j + units, jn = jz + units, jhn = jn + units;
        TV g = Gradient<TV>(dh, dSequence, j);
        if (skip)
        {
            TV.Zero.Store(dInputGates + j);
            TV.Zero.Store(dInputGates + jz);
            TV.Zero.Store(dInputGates + jn);
            TV.Zero.Store(dRecurrentGates + j);
            TV.Zero.Store(dRecurrentGates + jz);
            TV.Zero.Store(dRecurrentGates + jn);
            g.Store(dh + j);
            return;
        }

        TV r = TV.Load(gates + j), z = TV.Load(gates + jz), n = TV.Load(gates + jn), hn = TV.Load(gates + jhn);
        TV one = TV.One;
        // h = (1 - z) n + z previous: dL/dz = g (previous - n), dL/dn = g (1 - z), dL/dprevious (direct) = g z.
        TV dz = g * (TV.Load(previous + j) - n) * (z * (one - z));
        // n = tanh(a_n), a_n = xp_n + b_in + r hn: dL/da_n = dL/dn (1 - n^2); dL/dr = dL/da_n hn; dL/dhn = dL/da_n r.
        TV dn = g * (one - z) * (one - (n * n));
        TV dr = dn * hn * (r * (one - r));
        dr.Store(dInputGates + j);
        dz.Store(dInputGates + jz);
        dn.Store(dInputGates + jn);
        dr.Store(dRecurrentGates + j);
        dz.Store(dRecurrentGates + jz);
        (dn * r).Store(dRecurrentGates + jn);
        (g * z).Store(dh + j);
    }

    /// <summary>
    /// The column ranges of a row of <paramref name="units"/>: whole vectors of TV in [0, wide), then at most one 256-bit
    /// vector in [wide, middle) and one 128-bit vector in [middle, narrow) where TV is wider, and the last (at most 3)
    /// columns one lane at a time: H = 100 at 512 bits is 6 x 16 + 4, not 6 x 16 and 4 scalar columns. The narrower widths
    /// are accelerated wherever TV is.
    /// </summary>
    private static (int Wide, int Middle, int Narrow) Split<TV>(int units)
        where TV : struct, IVector<TV>
    {
        int wide = units - (units % TV.Count);
        int middle = TV.Count > V256.Count && units - wide >= V256.Count ? wide + V256.Count : wide;
        int narrow = TV.Count > V128.Count && units - middle >= V128.Count ? middle + V128.Count : middle;
        return (wide, middle, narrow);
    }

    /// <summary>xp + hp + biasIh + biasHh at column j of a gate row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV PreActivation<TV>(float* xp, float* hp, float* biasIh, float* biasHh, int j)
        where TV : struct, IVector<TV> =>
        TV.Load(xp + j) + TV.Load(hp + j) + (TV.Load(biasIh + j) + TV.Load(biasHh + j));

    /// <summary>g = dh + dSequence at column j (dh alone when there is no dSequence).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Gradient<TV>(float* dh, float* dSequence, int j)
        where TV : struct, IVector<TV> =>
        dSequence == null ? TV.Load(dh + j) : TV.Load(dh + j) + TV.Load(dSequence + j);

    /// <summary>The six step passes over all rows, split by rows (a row's bits do not depend on the split).</summary>
    internal sealed class StepJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private Pass _pass;
        private float* _xp, _hp, _biasIh, _biasHh, _previousH, _previousC, _mask, _gates, _h, _c, _dSequence, _dh, _dc, _dGates, _dRecurrentGates;
        private int _units;
        private bool _relu;

        private enum Pass
        {
            RnnForward,
            RnnBackward,
            LstmForward,
            LstmBackward,
            GruForward,
            GruBackward,
        }

        public void RnnForward(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* mask, float* h, int batch, int units, bool relu)
        {
            _xp = xp;
            _hp = hp;
            _biasIh = biasIh;
            _biasHh = biasHh;
            _previousH = previous;
            _mask = mask;
            _h = h;
            _relu = relu;
            Go(Pass.RnnForward, batch, units, 5L * batch * units);
        }

        public void RnnBackward(float* h, float* mask, float* dSequence, float* dh, float* dGates, int batch, int units, bool relu)
        {
            _h = h;
            _mask = mask;
            _dSequence = dSequence;
            _dh = dh;
            _dGates = dGates;
            _relu = relu;
            Go(Pass.RnnBackward, batch, units, 5L * batch * units);
        }

        public void LstmForward(float* xp, float* hp, float* biasIh, float* biasHh, float* previousH, float* previousC, float* mask,
            float* gates, float* h, float* c, int batch, int units)
        {
            _xp = xp;
            _hp = hp;
            _biasIh = biasIh;
            _biasHh = biasHh;
            _previousH = previousH;
            _previousC = previousC;
            _mask = mask;
            _gates = gates;
            _h = h;
            _c = c;
            Go(Pass.LstmForward, batch, units, 16L * batch * units);
        }

        public void LstmBackward(float* gates, float* previousC, float* c, float* mask, float* dSequence, float* dh, float* dc, float* dGates,
            int batch, int units)
        {
            _gates = gates;
            _previousC = previousC;
            _c = c;
            _mask = mask;
            _dSequence = dSequence;
            _dh = dh;
            _dc = dc;
            _dGates = dGates;
            Go(Pass.LstmBackward, batch, units, 15L * batch * units);
        }

        public void GruForward(float* xp, float* hp, float* biasIh, float* biasHh, float* previous, float* mask, float* gates, float* h,
            int batch, int units)
        {
            _xp = xp;
            _hp = hp;
            _biasIh = biasIh;
            _biasHh = biasHh;
            _previousH = previous;
            _mask = mask;
            _gates = gates;
            _h = h;
            Go(Pass.GruForward, batch, units, 12L * batch * units);
        }

        public void GruBackward(float* gates, float* previous, float* mask, float* dSequence, float* dh, float* dInputGates, float* dRecurrentGates,
            int batch, int units)
        {
            _gates = gates;
            _previousH = previous;
            _mask = mask;
            _dSequence = dSequence;
            _dh = dh;
            _dGates = dInputGates;
            _dRecurrentGates = dRecurrentGates;
            Go(Pass.GruBackward, batch, units, 13L * batch * units);
        }

        protected override void Range(int start, int end)
        {
            switch (_pass)
            {
                case Pass.RnnForward: RecurrentCpu.RnnForward(_xp, _hp, _biasIh, _biasHh, _previousH, _mask, _h, start, end, _units, _relu); break;
                case Pass.RnnBackward: RecurrentCpu.RnnBackward(_h, _mask, _dSequence, _dh, _dGates, start, end, _units, _relu); break;
                case Pass.LstmForward:
                    RecurrentCpu.LstmForward(_xp, _hp, _biasIh, _biasHh, _previousH, _previousC, _mask, _gates, _h, _c, start, end, _units);
                    break;
                case Pass.LstmBackward: RecurrentCpu.LstmBackward(_gates, _previousC, _c, _mask, _dSequence, _dh, _dc, _dGates, start, end, _units); break;
                case Pass.GruForward: RecurrentCpu.GruForward(_xp, _hp, _biasIh, _biasHh, _previousH, _mask, _gates, _h, start, end, _units); break;
                default: RecurrentCpu.GruBackward(_gates, _previousH, _mask, _dSequence, _dh, _dGates, _dRecurrentGates, start, end, _units); break;
            }
        }

        /// <summary>Runs a pass over the rows, split when its floats (read plus written) pay for the hand-off, then forgets the pointers.</summary>
        private void Go(Pass pass, int batch, int units, long floats)
        {
            _pass = pass;
            _units = units;
            Run(batch, 1, floats);
            _xp = _hp = _biasIh = _biasHh = _previousH = _previousC = _mask = _gates = _h = _c = null;
            _dSequence = _dh = _dc = _dGates = _dRecurrentGates = null;
        }
    }
}
