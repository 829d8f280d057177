namespace ModelGen.Kernels.Gpu.Parity;

public static partial class ParitySuite
{
    /// <summary>
    /// The graph and attention operations (<c>IBackend.Attention.cs</c>): layer normalisation forward and backward (one
    /// feature, odd widths, a constant row, in place), batched GEMM with every transpose at shapes below and across the
    /// tiles, a shared (stride 0) operand, gaps between products, beta 0 over NaN and accumulation; the attention softmax
    /// with and without a mask (a sample whose keys are all masked, one key, large scores, in place) and its backward;
    /// GELU over the ranges of each branch of erf and beyond; Axpby with beta 0 over NaN and every aliasing;
    /// Multiply overwriting and accumulating; SwapAxes of the heads and sequence axes, of a plain matrix and a round
    /// trip; CopyRows concatenating, splitting, broadcasting and accumulating; the axis mean with masks (a NaN at a masked
    /// position, a sample with nothing unmasked) and its backward.
    /// </summary>
    private static void AddAttentionCases(Action<string, double, Action<ParityArena>> add)
    {
        AddLayerNormCases(add);
        AddBatchedGemmCases(add);
        AddSoftmaxCases(add);
        AddElementwiseCases(add);
        AddAxisCases(add);
    }

    private static void AddLayerNormCases(Action<string, double, Action<ParityArena>> add)
    {
        foreach ((int rows, int features, float epsilon) in new[] { (1, 1, 1e-3f), (3, 7, 1e-5f), (5, 17, 1e-3f), (64, 33, 1e-6f), (9, 128, 1e-5f) })
        {
            int n = rows * features;
            string geometry = $"(R{rows}, F{features})";
            add($"LayerNormForward {geometry}", Reduction, a =>
            {
                Buf x = a.Random(n, -2f, 3f), y = a.Garbage(n), gamma = a.Random(features, 0.5f, 1.5f), beta = a.Random(features);
                Buf savedMean = a.Garbage(rows), savedInvStd = a.Garbage(rows);
                a.Backend.LayerNormForward(x, y, gamma, beta, savedMean, savedInvStd, rows, features, epsilon);
                a.Output("y", y);
                a.Output("savedMean", savedMean);
                a.Output("savedInvStd", savedInvStd);
            });
            add($"LayerNormBackward after LayerNormForward {geometry}", Reduction, a =>
            {
                Buf x = a.Random(n, -2f, 3f), y = a.Garbage(n), gamma = a.Random(features, 0.5f, 1.5f), beta = a.Random(features);
                Buf savedMean = a.Garbage(rows), savedInvStd = a.Garbage(rows);
                Buf dy = a.Random(n), dx = a.Garbage(n), dGamma = a.Random(features), dBeta = a.Random(features);
                a.Backend.LayerNormForward(x, y, gamma, beta, savedMean, savedInvStd, rows, features, epsilon);
                a.Backend.LayerNormBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, rows, features);
                a.Output("dx", dx);
                a.Output("dGamma", dGamma);
                a.Output("dBeta", dBeta);
            });
        }

        add("LayerNormForward in place with a constant row (R4, F6)", Reduction, a =>
        {
            Buf x = a.Random(24, -2f, 3f), gamma = a.Random(6, 0.5f, 1.5f), beta = a.Random(6);
            Buf savedMean = a.Garbage(4), savedInvStd = a.Garbage(4);
            a.Backend.Fill(x.Slice(6, 6), 1.75f);
            a.Backend.LayerNormForward(x, x, gamma, beta, savedMean, savedInvStd, 4, 6, 1e-3f);
            a.Output("y", x);
            a.Output("savedMean", savedMean);
            a.Output("savedInvStd", savedInvStd);
        });
        add("LayerNormBackward in place (R6, F10)", Reduction, a =>
        {
            Buf x = a.Random(60, -2f, 3f), dy = a.Random(60), gamma = a.Random(10, 0.5f, 1.5f);
            Buf dGamma = a.Random(10), dBeta = a.Random(10), savedMean = a.Random(6), savedInvStd = a.Random(6, 0.5f, 2f);
            a.Backend.LayerNormBackward(x, dy, dy, gamma, dGamma, dBeta, savedMean, savedInvStd, 6, 10);
            a.Output("dx", dy);
            a.Output("dGamma", dGamma);
            a.Output("dBeta", dBeta);
        });
    }

    private static void AddBatchedGemmCases(Action<string, double, Action<ParityArena>> add)
    {
        (int Count, int M, int N, int K)[] shapes = [(1, 1, 1, 1), (3, 5, 7, 3), (4, 17, 9, 33), (6, 16, 16, 8)];
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                string t = $"{(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')}";
                foreach ((int count, int m, int n, int k) in shapes)
                {
                    add($"BatchedGemm {t} {count} x ({m}, {n}, {k}) beta 0", Reduction, a =>
                    {
                        Buf x = a.Random(count * m * k), y = a.Random(count * k * n), c = a.Garbage(count * m * n);
                        a.Backend.BatchedGemm(transA, transB, count, m, n, k, 1f, x, m * k, y, k * n, 0f, c, m * n);
                        a.Output("c", c);
                    });
                }

                add($"BatchedGemm {t} 5 x (7, 6, 5) alpha 0.25 beta 1", Reduction, a =>
                {
                    Buf x = a.Random(5 * 35), y = a.Random(5 * 30), c = a.Random(5 * 42);
                    a.Backend.BatchedGemm(transA, transB, 5, 7, 6, 5, 0.25f, x, 35, y, 30, 1f, c, 42);
                    a.Output("c", c);
                });
            }
        }

        // One B for every product (a shared weight), and products with gaps between them that must stay as they were.
        add("BatchedGemm NN 4 x (6, 5, 7) shared B", Reduction, a =>
        {
            Buf x = a.Random(4 * 42), y = a.Random(35), c = a.Garbage(4 * 30);
            a.Backend.BatchedGemm(false, false, 4, 6, 5, 7, 1f, x, 42, y, 0, 0f, c, 30);
            a.Output("c", c);
        });
        add("BatchedGemm TN 3 x (5, 4, 6) shared A, gaps, beta -0.5", Reduction, a =>
        {
            Buf x = a.Random(30), y = a.Random(3 * 29), c = a.Random(3 * 23);
            a.Backend.BatchedGemm(true, false, 3, 5, 4, 6, 1.5f, x, 0, y, 29, -0.5f, c, 23);
            a.Output("c", c);
        });
        add("BatchedGemm NN 0 x (3, 3, 3)", Exact, a =>
        {
            Buf c = a.Garbage(9);
            a.Backend.BatchedGemm(false, false, 0, 3, 3, 3, 1f, a.Random(9), 9, a.Random(9), 9, 0f, c, 9);
            a.Output("c", c);
        });
    }

    private static void AddSoftmaxCases(Action<string, double, Action<ParityArena>> add)
    {
        // (B, H, Q, K); the mask keeps about two keys in three of sample 0 and nothing of the last sample (uniform rows).
        (int Batch, int Heads, int Queries, int Keys)[] shapes = [(2, 3, 5, 7), (1, 1, 1, 1), (3, 2, 4, 1), (2, 4, 16, 33)];
        foreach ((int batch, int heads, int queries, int keys) in shapes)
        {
            int n = batch * heads * queries * keys;
            float scale = 1f / MathF.Sqrt(8f);
            string geometry = $"(B{batch}, H{heads}, Q{queries}, K{keys})";
            foreach (bool masked in new[] { false, true })
            {
                add($"AttentionSoftmax{(masked ? " masked" : "")} {geometry}", Reduction, a =>
                {
                    Buf scores = a.Random(n, -4f, 4f), mask = masked ? Mask(a, batch, keys) : default, p = a.Garbage(n);
                    a.Backend.AttentionSoftmax(scores, mask, p, batch, heads, queries, keys, scale);
                    a.Output("probabilities", p);
                });
            }

            add($"AttentionSoftmaxBackward after AttentionSoftmax masked {geometry}", Reduction, a =>
            {
                Buf scores = a.Random(n, -4f, 4f), mask = Mask(a, batch, keys), p = a.Garbage(n), dp = a.Random(n), ds = a.Garbage(n);
                a.Backend.AttentionSoftmax(scores, mask, p, batch, heads, queries, keys, scale);
                a.Backend.AttentionSoftmaxBackward(p, dp, ds, batch * heads * queries, keys, scale);
                a.Output("dScores", ds);
            });
        }

        add("AttentionSoftmax in place, large scores (B2, H2, Q3, K9)", Reduction, a =>
        {
            Buf scores = a.Random(108, -200f, 200f);
            a.Backend.AttentionSoftmax(scores, default, scores, 2, 2, 3, 9, 1f);
            a.Output("probabilities", scores);
        });
        add("AttentionSoftmax masked in place (B3, H1, Q2, K5)", Reduction, a =>
        {
            Buf scores = a.Random(30, -3f, 3f), mask = Mask(a, 3, 5);
            a.Backend.AttentionSoftmax(scores, mask, scores, 3, 1, 2, 5, 0.5f);
            a.Output("probabilities", scores);
        });
        add("AttentionSoftmaxBackward in place (R7, K11)", Reduction, a =>
        {
            Buf p = a.Random(77, 0f, 0.2f), dp = a.Random(77);
            a.Backend.AttentionSoftmaxBackward(p, dp, dp, 7, 11, 0.3f);
            a.Output("dScores", dp);
        });
    }

    private static void AddElementwiseCases(Action<string, double, Action<ParityArena>> add)
    {
        // Below 1, on [1, 2) and from 2 on in |x| / sqrt 2, both signs, and far tails where Phi is 0 or 1.
        float[] special = [-12f, -9f, -5f, -2.8284f, -2.8285f, -1.4142f, -1.4143f, -1f, -0.25f, -1e-8f, 0f, 1e-8f, 0.25f, 1f, 1.4142f, 1.4143f,
            2.8284f, 2.8285f, 5f, 9f, 12f];
        add("Gelu (1001)", Elementwise, a =>
        {
            Buf x = a.Random(1001, -6f, 6f), y = a.Garbage(1001);
            a.Backend.Gelu(x, y, 1001);
            a.Output("y", y);
        });
        add($"Gelu in place, branch edges ({special.Length})", Elementwise, a =>
        {
            Buf x = a.Values(special);
            a.Backend.Gelu(x, x, special.Length);
            a.Output("y", x);
        });
        add("GeluBackward (1001)", Elementwise, a =>
        {
            Buf x = a.Random(1001, -6f, 6f), dy = a.Random(1001), dx = a.Garbage(1001);
            a.Backend.GeluBackward(x, dy, dx, 1001);
            a.Output("dx", dx);
        });
        add($"GeluBackward in place, branch edges ({special.Length})", Elementwise, a =>
        {
            Buf x = a.Values(special), dy = a.Random(special.Length);
            a.Backend.GeluBackward(x, dy, dy, special.Length);
            a.Output("dx", dy);
        });
        add("Gelu first 17 of 20", Elementwise, a =>
        {
            Buf x = a.Random(20, -3f, 3f), y = a.Random(20);
            a.Backend.Gelu(x, y, 17);
            a.Output("y", y);
        });

        add("Axpby alpha 1.5 beta -0.5 (1001)", Elementwise, a =>
        {
            Buf x = a.Random(1001), y = a.Random(1001), z = a.Garbage(1001);
            a.Backend.Axpby(1.5f, x, -0.5f, y, z, 1001);
            a.Output("y", z);
        });
        add("Axpby beta 0 over NaN (37)", Exact, a =>
        {
            Buf x = a.Random(37), b = a.Garbage(37), z = a.Garbage(37);
            a.Backend.Axpby(-2f, x, 0f, b, z, 37);
            a.Output("y", z);
        });
        add("Axpby in place of a, accumulating (37)", Elementwise, a =>
        {
            Buf x = a.Random(37), g = a.Random(37);
            a.Backend.Axpby(1f, x, 1f, g, x, 37);
            a.Output("y", x);
        });
        add("Axpby in place of b (37)", Elementwise, a =>
        {
            Buf x = a.Random(37), b = a.Random(37);
            a.Backend.Axpby(0.5f, x, 2f, b, b, 37);
            a.Output("y", b);
        });

        foreach (bool accumulate in new[] { false, true })
        {
            add($"Multiply{(accumulate ? " accumulate" : "")} (1001)", Elementwise, a =>
            {
                Buf x = a.Random(1001), y = a.Random(1001), z = accumulate ? a.Random(1001) : a.Garbage(1001);
                a.Backend.Multiply(x, y, z, 1001, accumulate);
                a.Output("y", z);
            });
        }

        add("Multiply in place (37)", Exact, a =>
        {
            Buf x = a.Random(37), y = a.Random(37);
            a.Backend.Multiply(x, y, x, 37, false);
            a.Backend.Multiply(y, x, y, 37, false);
            a.Output("a", x);
            a.Output("b", y);
        });
    }

    private static void AddAxisCases(Action<string, double, Action<ParityArena>> add)
    {
        foreach ((int o, int f, int m, int s, int i, string name) in new[]
        {
            (2, 3, 4, 5, 6, "(2, 3, 4, 5, 6)"),
            (3, 7, 1, 4, 8, "(B3, T7, H4, D8) to (B3, H4, T7, D8)"),
            (1, 9, 1, 13, 1, "(9, 13) transpose"),
            (4, 1, 3, 5, 2, "(4, 1, 3, 5, 2) a single first"),
        })
        {
            int n = o * f * m * s * i;
            foreach (bool accumulate in new[] { false, true })
            {
                add($"SwapAxes{(accumulate ? " accumulate" : "")} {name}", accumulate ? Elementwise : Exact, a =>
                {
                    Buf x = a.Random(n), y = accumulate ? a.Random(n) : a.Garbage(n);
                    a.Backend.SwapAxes(x, y, o, f, m, s, i, accumulate);
                    a.Output("y", y);
                });
            }
        }

        add("SwapAxes round trip (2, 5, 3, 4, 3)", Exact, a =>
        {
            Buf x = a.Random(360), y = a.Garbage(360), back = a.Garbage(360);
            a.Backend.SwapAxes(x, y, 2, 5, 3, 4, 3, false);
            a.Backend.SwapAxes(y, back, 2, 4, 3, 5, 3, false);
            a.Output("y", y);
            a.Output("back", back);
        });

        // Concatenation: two parts of widths 3 and 5 into rows of 8; splitting reads them back; the gaps stay as they were.
        add("CopyRows concatenate (R7, 3 + 5)", Exact, a =>
        {
            Buf left = a.Random(21), right = a.Random(35), joined = a.Garbage(56);
            a.Backend.CopyRows(left, 3, joined, 8, 7, 3, false);
            a.Backend.CopyRows(right, 5, joined.Slice(3, 53), 8, 7, 5, false);
            a.Output("joined", joined);
        });
        add("CopyRows split (R7, 8 to 5)", Exact, a =>
        {
            Buf joined = a.Random(56), part = a.Garbage(35);
            a.Backend.CopyRows(joined.Slice(3, 53), 8, part, 5, 7, 5, false);
            a.Output("part", part);
        });
        add("CopyRows accumulate with gaps (R6, W4)", Elementwise, a =>
        {
            Buf source = a.Random(6 * 9), destination = a.Random(6 * 7);
            a.Backend.CopyRows(source.Slice(2, 52), 9, destination.Slice(1, 41), 7, 6, 4, true);
            a.Output("destination", destination);
        });
        add("CopyRows broadcast one row (R5, W6)", Exact, a =>
        {
            Buf source = a.Random(6), destination = a.Garbage(30);
            a.Backend.CopyRows(source, 0, destination, 6, 5, 6, false);
            a.Output("destination", destination);
        });

        foreach ((int outer, int length, int width) in new[] { (3, 7, 5), (1, 1, 1), (4, 16, 33) })
        {
            int n = outer * length * width;
            string geometry = $"(O{outer}, L{length}, W{width})";
            foreach (bool masked in new[] { false, true })
            {
                add($"MeanAxis{(masked ? " masked" : "")} {geometry}", Reduction, a =>
                {
                    Buf x = a.Random(n), mask = masked ? Mask(a, outer, length) : default, y = a.Garbage(outer * width);
                    a.Backend.MeanAxis(x, mask, y, outer, length, width);
                    a.Output("y", y);
                });
                foreach (bool accumulate in new[] { false, true })
                {
                    add($"MeanAxisBackward{(masked ? " masked" : "")}{(accumulate ? " accumulate" : "")} {geometry}", Reduction, a =>
                    {
                        Buf dy = a.Random(outer * width), mask = masked ? Mask(a, outer, length) : default;
                        Buf dx = accumulate ? a.Random(n) : a.Garbage(n);
                        a.Backend.MeanAxisBackward(dy, mask, dx, outer, length, width, accumulate);
                        a.Output("dx", dx);
                    });
                }
            }
        }

        add("MeanAxis masked, NaN at a masked position (O3, L4, W2)", Reduction, a =>
        {
            Buf x = a.Random(24), mask = a.Values(1f, 0f, 1f, 1f, 0f, 0f, 0f, 0f, 0f, 1f, 0f, 0f), y = a.Garbage(6);
            a.Backend.Fill(x.Slice(2, 2), float.NaN);
            a.Backend.MeanAxis(x, mask, y, 3, 4, 2);
            a.Output("y", y);
        });
    }

    /// <summary>
    /// A (rows, length) mask of 0s and 1s: about two positions in three kept in the first rows, nothing kept in the last
    /// row when there are two or more (a fully masked sample), the first position always kept in the others.
    /// </summary>
    private static Buf Mask(ParityArena a, int rows, int length)
    {
        var data = new float[rows * length];
        for (int r = 0; r < rows; r++)
        {
            for (int l = 0; l < length; l++)
            {
                data[(r * length) + l] = rows > 1 && r == rows - 1 ? 0f : l == 0 || ((l * 7) + r) % 3 != 0 ? 1f : 0f;
            }
        }

        return a.Values(data);
    }
}
