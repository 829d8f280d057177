using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// The embedding lookup and its gradient. Ids are integers stored as floats; <see cref="TokenIds.Require"/> reads them all before
/// either pass writes anything, so a bad id leaves every output as it was.
/// </summary>
internal static unsafe class EmbeddingCpu
{
    /// <summary>
    /// ids (N = B T), table (V, W), y (N, W), mask (N) or null: y[n] = table[ids[n]]; mask[n] = 1 where the id is not 0
    /// (0 is padding). The rows are block copies, already as wide as the hardware.
    /// </summary>
    public static void Forward(float* ids, float* table, float* y, float* mask, int tokens, int width)
    {
        long bytes = (long)width * sizeof(float);
        for (int n = 0; n < tokens; n++)
        {
            int id = (int)ids[n];
            Buffer.MemoryCopy(table + ((long)id * width), y + ((long)n * width), bytes, bytes);
            if (mask != null)
            {
                mask[n] = id == 0 ? 0f : 1f;
            }
        }
    }

    /// <summary>ids (N = B T), dy (N, W), dTable (V, W): dTable[ids[n]] += dy[n], in token order (repeated ids accumulate).</summary>
    public static void Backward(float* ids, float* dy, float* dTable, int tokens, int width)
    {
        switch (SimdWidth.Current)
        {
            case 512: Backward<V512>(ids, dy, dTable, tokens, width); break;
            case 256: Backward<V256>(ids, dy, dTable, tokens, width); break;
            case 128: Backward<V128>(ids, dy, dTable, tokens, width); break;
            default: Backward<V1>(ids, dy, dTable, tokens, width); break;
        }
    }

    private static void Backward<TV>(float* ids, float* dy, float* dTable, int tokens, int width)
        where TV : struct, IVector<TV>
    {
        for (int n = 0; n < tokens; n++)
        {
            float* row = dTable + ((long)(int)ids[n] * width);
            float* d = dy + ((long)n * width);
            int j = 0;
            for (; j <= width - TV.Count; j += TV.Count)
            {
                (TV.Load(row + j) + TV.Load(d + j)).Store(row + j);
            }

            for (; j < width; j++)
            {
                row[j] += d[j];
            }
        }
    }
}
