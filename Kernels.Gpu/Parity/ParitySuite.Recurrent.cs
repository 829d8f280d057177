namespace ModelGen.Kernels.Gpu.Parity;

public static partial class ParitySuite
{
    /// <summary>
    /// The recurrent operations (<c>IBackend.Recurrent.cs</c>): each cell's step forward and backward with and without
    /// a mask of 0s and 1s (backward also with and without dSequence) at an odd shape (B3, H5) and a larger one (B64),
    /// SimpleRNN with Tanh and ReLU, the embedding forward with and without its padding mask and backward with repeated
    /// ids, and the sequence transpose both ways. The larger LSTM and GRU steps use H60, not H128: a (B64, H128) LSTM
    /// step holds 16 B H floats, twice <see cref="ArenaLength"/>. Backward cases take random saved states in each
    /// gate's range rather than a forward pass, so that the larger ones fit the arena too.
    /// </summary>
    private static void AddRecurrentCases(Action<string, double, Action<ParityArena>> add)
    {
        // Sequence transpose: batch-first to time-major and back, a width of one, a larger one.
        foreach ((int outer, int inner, int width, string name) in new[]
        {
            (3, 7, 5, "(B3, T7, W5) batch-first to time-major"),
            (7, 3, 5, "(T7, B3, W5) time-major to batch-first"),
            (4, 9, 1, "(B4, T9, W1) batch-first to time-major"),
            (64, 3, 128, "(B64, T3, W128) batch-first to time-major"),
        })
        {
            add($"SequenceTranspose {name}", Exact, a =>
            {
                int n = outer * inner * width;
                Buf source = a.Random(n), destination = a.Garbage(n);
                a.Backend.SequenceTranspose(source, destination, outer, inner, width);
                a.Output("destination", destination);
            });
        }

        add("SequenceTranspose round trip (B5, T6, W3)", Exact, a =>
        {
            Buf source = a.Random(90), timeMajor = a.Garbage(90), back = a.Garbage(90);
            a.Backend.SequenceTranspose(source, timeMajor, 5, 6, 3);
            a.Backend.SequenceTranspose(timeMajor, back, 6, 5, 3);
            a.Output("timeMajor", timeMajor);
            a.Output("back", back);
        });

        (int Batch, int Units)[] small = [(3, 5)];
        bool[] both = [false, true];

        // SimpleRNN: both activations at the odd shape, every mask and dSequence choice; the larger shape once per kernel.
        foreach (ActivationKind kind in new[] { ActivationKind.Tanh, ActivationKind.ReLU })
        {
            foreach ((int batch, int units) in small)
            {
                foreach (bool masked in both)
                {
                    add($"RnnStepForward {kind}{Masked(masked)} {Cell(batch, units)}", Elementwise, a => RnnForward(a, batch, units, kind, masked));
                    foreach (bool sequence in both)
                    {
                        add($"RnnStepBackward {kind}{Masked(masked)}{WithSequence(sequence)} {Cell(batch, units)}", Elementwise,
                            a => RnnBackward(a, batch, units, kind, masked, sequence));
                    }
                }
            }
        }

        add($"RnnStepForward Tanh masked {Cell(64, 128)}", Elementwise, a => RnnForward(a, 64, 128, ActivationKind.Tanh, true));
        add($"RnnStepBackward ReLU masked with dSequence {Cell(64, 128)}", Elementwise, a => RnnBackward(a, 64, 128, ActivationKind.ReLU, true, true));

        // LSTM and GRU: every mask and dSequence choice at the odd shape, masked with dSequence at the larger one.
        foreach ((int batch, int units) in small)
        {
            foreach (bool masked in both)
            {
                add($"LstmStepForward{Masked(masked)} {Cell(batch, units)}", Elementwise, a => LstmForward(a, batch, units, masked));
                add($"GruStepForward{Masked(masked)} {Cell(batch, units)}", Elementwise, a => GruForward(a, batch, units, masked));
                foreach (bool sequence in both)
                {
                    add($"LstmStepBackward{Masked(masked)}{WithSequence(sequence)} {Cell(batch, units)}", Elementwise,
                        a => LstmBackward(a, batch, units, masked, sequence));
                    add($"GruStepBackward{Masked(masked)}{WithSequence(sequence)} {Cell(batch, units)}", Elementwise,
                        a => GruBackward(a, batch, units, masked, sequence));
                }
            }
        }

        add($"LstmStepForward masked {Cell(64, 60)}", Elementwise, a => LstmForward(a, 64, 60, true));
        add($"LstmStepBackward masked with dSequence {Cell(64, 60)}", Elementwise, a => LstmBackward(a, 64, 60, true, true));
        add($"GruStepForward masked {Cell(64, 60)}", Elementwise, a => GruForward(a, 64, 60, true));
        add($"GruStepBackward masked with dSequence {Cell(64, 60)}", Elementwise, a => GruBackward(a, 64, 60, true, true));

        // Embedding: a gather (bitwise), the padding mask, and the scatter-add over repeated ids (atomics on a GPU: any order).
        foreach (bool withMask in both)
        {
            add($"EmbeddingForward{(withMask ? " with mask" : "")} (B3, T7, V11, W5)", Exact, a => EmbeddingForward(a, 3, 7, 11, 5, withMask));
        }

        add("EmbeddingForward with mask (B64, T4, V40, W128)", Exact, a => EmbeddingForward(a, 64, 4, 40, 128, true));
        add("EmbeddingForward with mask (B2, T3, V4, W0)", Exact, a => EmbeddingForward(a, 2, 3, 4, 0, true));
        add("EmbeddingBackward repeated ids (B3, T7, V4, W5)", Reduction, a => EmbeddingBackward(a, 3, 7, 4, 5));
        add("EmbeddingBackward repeated ids (B64, T4, V40, W128)", Reduction, a => EmbeddingBackward(a, 64, 4, 40, 128));
    }

    private static string Cell(int batch, int units) => $"(B{batch}, H{units})";

    private static string Masked(bool masked) => masked ? " masked" : "";

    private static string WithSequence(bool sequence) => sequence ? " with dSequence" : "";

    /// <summary>A (B) mask of 1s with every third sample, from the second on, 0 (skipped), or the empty view.</summary>
    private static Buf StepMask(ParityArena a, int batch, bool masked) =>
        masked ? a.Values([.. Enumerable.Range(0, batch).Select(b => b % 3 == 1 ? 0f : 1f)]) : default;

    private static void RnnForward(ParityArena a, int batch, int units, ActivationKind kind, bool masked)
    {
        int n = batch * units;
        Buf xp = a.Random(n, -2f, 2f), hp = a.Random(n, -2f, 2f), biasIh = a.Random(units, -0.5f, 0.5f), biasHh = a.Random(units, -0.5f, 0.5f);
        Buf previous = a.Random(n), mask = StepMask(a, batch, masked), h = a.Garbage(n);
        a.Backend.RnnStepForward(xp, hp, biasIh, biasHh, previous, mask, h, batch, units, kind);
        a.Output("h", h);
    }

    private static void RnnBackward(ParityArena a, int batch, int units, ActivationKind kind, bool masked, bool sequence)
    {
        int n = batch * units;

        // h as the activation's output: in (-1, 1) for Tanh, zeros (about half) and positives for ReLU.
        Buf h = a.Random(n, -0.99f, 0.99f);
        if (kind == ActivationKind.ReLU)
        {
            a.Backend.Activation(h, h, batch, units, ActivationKind.ReLU);
        }

        Buf mask = StepMask(a, batch, masked), dSequence = sequence ? a.Random(n) : default, dh = a.Random(n), dGates = a.Garbage(n);
        a.Backend.RnnStepBackward(h, mask, dSequence, dh, dGates, batch, units, kind);
        a.Output("dGates", dGates);
        a.Output("dh", dh);
    }

    private static void LstmForward(ParityArena a, int batch, int units, bool masked)
    {
        int n = batch * units;
        Buf xp = a.Random(4 * n, -2f, 2f), hp = a.Random(4 * n, -2f, 2f);
        Buf biasIh = a.Random(4 * units, -0.5f, 0.5f), biasHh = a.Random(4 * units, -0.5f, 0.5f);
        Buf previousH = a.Random(n), previousC = a.Random(n, -2f, 2f), mask = StepMask(a, batch, masked);
        Buf gates = a.Garbage(4 * n), h = a.Garbage(n), c = a.Garbage(n);
        a.Backend.LstmStepForward(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, batch, units);
        a.Output("gates", gates);
        a.Output("h", h);
        a.Output("c", c);
    }

    private static void LstmBackward(ParityArena a, int batch, int units, bool masked, bool sequence)
    {
        int n = batch * units;

        // Saved gates in (0, 1), inside both the sigmoids' and the tanh's range.
        Buf gates = a.Random(4 * n, 0.01f, 0.99f), previousC = a.Random(n, -2f, 2f), c = a.Random(n, -2f, 2f), mask = StepMask(a, batch, masked);
        Buf dSequence = sequence ? a.Random(n) : default, dh = a.Random(n), dc = a.Random(n), dGates = a.Garbage(4 * n);
        a.Backend.LstmStepBackward(gates, previousC, c, mask, dSequence, dh, dc, dGates, batch, units);
        a.Output("dGates", dGates);
        a.Output("dh", dh);
        a.Output("dc", dc);
    }

    private static void GruForward(ParityArena a, int batch, int units, bool masked)
    {
        int n = batch * units;
        Buf xp = a.Random(3 * n, -2f, 2f), hp = a.Random(3 * n, -2f, 2f);
        Buf biasIh = a.Random(3 * units, -0.5f, 0.5f), biasHh = a.Random(3 * units, -0.5f, 0.5f);
        Buf previous = a.Random(n), mask = StepMask(a, batch, masked), gates = a.Garbage(4 * n), h = a.Garbage(n);
        a.Backend.GruStepForward(xp, hp, biasIh, biasHh, previous, mask, gates, h, batch, units);
        a.Output("gates", gates);
        a.Output("h", h);
    }

    private static void GruBackward(ParityArena a, int batch, int units, bool masked, bool sequence)
    {
        int n = batch * units;

        // Saved (r, z, n, hn): r and z in (0, 1), n in (-1, 1), hn a plain value.
        Buf gates = a.Random(4 * n, 0.01f, 0.99f), previous = a.Random(n), mask = StepMask(a, batch, masked);
        Buf dSequence = sequence ? a.Random(n) : default, dh = a.Random(n), dInputGates = a.Garbage(3 * n), dRecurrentGates = a.Garbage(3 * n);
        a.Backend.GruStepBackward(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, batch, units);
        a.Output("dInputGates", dInputGates);
        a.Output("dRecurrentGates", dRecurrentGates);
        a.Output("dh", dh);
    }

    /// <summary>(B, T) ids drawn from [0, V) with the first and fifth set to 0 (padding); more tokens than ids, so some repeat.</summary>
    private static Buf TokenIds(ParityArena a, int batch, int steps, int vocabulary)
    {
        Buf ids = a.Integers(batch * steps, vocabulary);
        a.Backend.Fill(ids.Slice(0, 1), 0f);
        a.Backend.Fill(ids.Slice(4, 1), 0f);
        return ids;
    }

    private static void EmbeddingForward(ParityArena a, int batch, int steps, int vocabulary, int width, bool withMask)
    {
        int tokens = batch * steps;
        Buf ids = TokenIds(a, batch, steps, vocabulary), table = a.Random(vocabulary * width), y = a.Garbage(tokens * width);
        Buf mask = withMask ? a.Garbage(tokens) : default;
        a.Backend.EmbeddingForward(ids, table, y, mask, batch, steps, vocabulary, width);
        a.Output("y", y);
        if (withMask)
        {
            a.Output("mask", mask);
        }
    }

    private static void EmbeddingBackward(ParityArena a, int batch, int steps, int vocabulary, int width)
    {
        Buf ids = TokenIds(a, batch, steps, vocabulary), dy = a.Random(batch * steps * width), dTable = a.Random(vocabulary * width);
        a.Backend.EmbeddingBackward(ids, dy, dTable, batch, steps, vocabulary, width);
        a.Output("dTable", dTable);
    }
}
