namespace ModelGen.Kernels.Cpu;

/// <summary>The sequence transpose between batch-first and time-major layouts: whole rows of width floats moved as blocks.</summary>
internal static unsafe class SequenceCpu
{
    /// <summary>
    /// source (outer, inner, W), destination (inner, outer, W): destination[i, o] = source[o, i], row by row. Each move is
    /// a contiguous copy of W floats (the runtime's block copy, already as wide as the hardware), so there is no per-width body.
    /// </summary>
    public static void Transpose(float* source, float* destination, int outer, int inner, int width)
    {
        long bytes = (long)width * sizeof(float);
        for (int o = 0; o < outer; o++)
        {
            float* from = source + ((long)o * inner * width);
            for (int i = 0; i < inner; i++)
            {
                Buffer.MemoryCopy(from + ((long)i * width), destination + (((long)i * outer) + o) * width, bytes, bytes);
            }
        }
    }
}
