using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>The parts of a dense layer that are not a GEMM.</summary>
internal static unsafe class DenseCpu
{
    /// <summary>Features summed together in registers: four vectors of the current width.</summary>
    private const int Unroll = 4;

    /// <summary>
    /// dy (B, F), dBias (F), features [f0, f1): dBias += sum over the batch of dy, each feature's rows summed in batch
    /// order in registers (blocks of four vectors of features down the batch), then added to dBias.
    /// </summary>
    public static void BiasBackward(float* dy, float* dBias, int batch, int features, int f0, int f1)
    {
        switch (SimdWidth.Current)
        {
            case 512: BiasBackward<V512>(dy, dBias, batch, features, f0, f1); break;
            case 256: BiasBackward<V256>(dy, dBias, batch, features, f0, f1); break;
            case 128: BiasBackward<V128>(dy, dBias, batch, features, f0, f1); break;
            default: BiasBackward<V1>(dy, dBias, batch, features, f0, f1); break;
        }
    }

    private static void BiasBackward<TV>(float* dy, float* dBias, int batch, int features, int f0, int f1)
        where TV : struct, IVector<TV>
    {
        int f = f0;
        for (; f <= f1 - (Unroll * TV.Count); f += Unroll * TV.Count)
        {
            TV s0 = TV.Zero, s1 = TV.Zero, s2 = TV.Zero, s3 = TV.Zero;
            float* row = dy + f;
            for (int b = 0; b < batch; b++, row += features)
            {
                s0 += TV.Load(row);
                s1 += TV.Load(row + TV.Count);
                s2 += TV.Load(row + (2 * TV.Count));
                s3 += TV.Load(row + (3 * TV.Count));
            }

            (TV.Load(dBias + f) + s0).Store(dBias + f);
            (TV.Load(dBias + f + TV.Count) + s1).Store(dBias + f + TV.Count);
            (TV.Load(dBias + f + (2 * TV.Count)) + s2).Store(dBias + f + (2 * TV.Count));
            (TV.Load(dBias + f + (3 * TV.Count)) + s3).Store(dBias + f + (3 * TV.Count));
        }

        for (; f <= f1 - TV.Count; f += TV.Count)
        {
            TV s = TV.Zero;
            float* row = dy + f;
            for (int b = 0; b < batch; b++, row += features)
            {
                s += TV.Load(row);
            }

            (TV.Load(dBias + f) + s).Store(dBias + f);
        }

        for (; f < f1; f++)
        {
            float s = 0f;
            float* row = dy + f;
            for (int b = 0; b < batch; b++, row += features)
            {
                s += *row;
            }

            dBias[f] += s;
        }
    }

    /// <summary><see cref="BiasBackward(float*, float*, int, int, int, int)"/> over all features, split by features.</summary>
    internal sealed class BiasBackwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _dy, _dBias;
        private int _batch, _features;

        public void Run(float* dy, float* dBias, int batch, int features)
        {
            _dy = dy;
            _dBias = dBias;
            _batch = batch;
            _features = features;
            Run(features, FeatureGrain, (long)batch * features);
            _dy = _dBias = null;
        }

        protected override void Range(int start, int end) => BiasBackward(_dy, _dBias, _batch, _features, start, end);
    }
}
