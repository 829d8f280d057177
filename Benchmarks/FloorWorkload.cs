using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ModelGen.Benchmarks.Models;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The memory floor of batch-1 hotel inference: what reading the weights alone costs when they sit in L2, the
/// bound no float32 forward pass can beat, beside the three matrix-vector products alone through the back end.
/// Every figure is microseconds per pass: the median of several timed runs of many passes back to back (so the
/// weights stay resident in L2, as they do between batch-1 Predict calls).
/// </summary>
internal static class FloorWorkload
{
    private const int Passes = 2000;
    private const int Runs = 15;

    public static Dictionary<string, object> Run(int threads)
    {
        using var model = new HotelNet(1, seed: 0, Device.Cpu(threads));
        ParameterInfo w0 = Param(model, "dense0.weight"), w1 = Param(model, "dense1.weight"), w2 = Param(model, "dense2.weight");
        int weightFloats = w0.Length + w1.Length + w2.Length;
        var results = new Dictionary<string, object>
        {
            ["weight_bytes"] = weightFloats * sizeof(float),
        };

        // The weights' bytes in one 64-byte-aligned block, read with eight independent 16-lane accumulators.
        float[] block = GC.AllocateArray<float>(weightFloats + 16, pinned: true);
        int start = AlignedStart(block);
        new Random(42).NextBytes(MemoryMarshal.AsBytes(block.AsSpan()));
        for (int i = 0; i < block.Length; i++)
        {
            block[i] = float.IsFinite(block[i]) ? block[i] : 0f;
        }

        float sink = 0;
        results["read_weights_l2_us"] = PerPass(() => sink += ReadAll(block, start, weightFloats));
        results["read_dense1_l2_us"] = PerPass(() => sink += ReadAll(block, start, w1.Length));

        // Where the cache steps are: the same read over growing blocks.
        float[] big = GC.AllocateArray<float>((1 << 20) + 16, pinned: true);
        int bigStart = AlignedStart(big);
        Console.WriteLine("== read floor by block size (us per pass, GB/s)");
        foreach (int kb in (int[])[16, 32, 48, 64, 128, 192, 256, 288, 320, 384, 512, 768, 1024, 2048, 4096])
        {
            int floats = kb * 256;
            double us = PerPass(() => sink += ReadAll(big, bigStart, floats)).Median;
            double pf = PerPass(() => sink += ReadAllPrefetch(big, bigStart, floats)).Median;
            Console.WriteLine(FormattableString.Invariant($"   {kb,6} KB {us,9:F3} us {kb * 1024 / us / 1e3,8:F1} GB/s; prefetching {pf,9:F3} us {kb * 1024 / pf / 1e3,8:F1} GB/s"));
        }

        // The three products of batch-1 inference alone, on an arena laid out as the model's (same offsets, so the
        // same alignment of every weight row), with weights and activations of the same sizes.
        using IBackend backend = Device.Cpu(threads).CreateBackend((int)model.Layout.ArenaLength(512));
        var random = new Random(7);
        var host = new float[backend.Length];
        for (int i = 0; i < host.Length; i++)
        {
            host[i] = (float)(random.NextDouble() - 0.5);
        }

        backend.Upload(host, new Buf(0, host.Length));
        int act = model.Layout.ActivationBase;
        // x and the first layer's output where the generated plan puts them at capacity 512 (Norm0Out, Dense0Out).
        Buf x0 = new(act + (64 * 512), 63), h0 = new(act + (127 * 512), 256), h1 = new(act + 320, 256), y = new(act + 576, 1);
        Buf wd0 = new(w0.Offset, w0.Length), wd1 = new(w1.Offset, w1.Length), wd2 = new(w2.Offset, w2.Length);
        results["gemv_all_us"] = PerPass(() =>
        {
            backend.Gemm(false, true, 1, 256, 63, 1f, x0, wd0, 0f, h0);
            backend.Gemm(false, true, 1, 256, 256, 1f, h0, wd1, 0f, h1);
            backend.Gemm(false, true, 1, 1, 256, 1f, h1, wd2, 0f, y);
        });
        results["gemv_dense0_us"] = PerPass(() => backend.Gemm(false, true, 1, 256, 63, 1f, x0, wd0, 0f, h0));
        results["gemv_dense1_us"] = PerPass(() => backend.Gemm(false, true, 1, 256, 256, 1f, h0, wd1, 0f, h1));
        results["gemv_dense2_us"] = PerPass(() => backend.Gemm(false, true, 1, 1, 256, 1f, h1, wd2, 0f, y));
        // The whole batch-1 Predict of the real model, for the overhead around the products.
        using var full = new HotelNet(HotelWorkload.Batch, seed: 0, Device.Cpu(threads));
        var row = new float[HotelWorkload.Features];
        new Random(3).NextBytes(MemoryMarshal.AsBytes(row.AsSpan()));
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = float.IsFinite(row[i]) ? Math.Clamp(row[i], -3f, 3f) : 0f;
        }

        var output = new float[1];
        results["predict_b1_us"] = PerPass(() => full.Predict(row, output));
        GC.KeepAlive(sink);
        return results;
    }

    private static ParameterInfo Param(CompiledModel model, string name) =>
        model.Layout.Parameters.Single(p => p.Name == name);

    /// <summary>Microseconds per call: the median over <see cref="Runs"/> runs of <see cref="Passes"/> calls back to back.</summary>
    private static Stats PerPass(Action pass)
    {
        // A second of warm-up lets the tiered JIT install its final code before any timed run.
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1000)
        {
            pass();
        }

        var perPass = new List<double>();
        for (int r = 0; r < Runs; r++)
        {
            long started = Stopwatch.GetTimestamp();
            for (int i = 0; i < Passes; i++)
            {
                pass();
            }

            perPass.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds / Passes);
        }

        return Stats.Of(perPass);
    }

    private static unsafe int AlignedStart(float[] pinned)
    {
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((64 - (address & 63)) & 63) / sizeof(float);
    }

    /// <summary>The sum of <paramref name="count"/> floats (a multiple of 128) from <paramref name="start"/>: eight independent chains of vector adds.</summary>
    /// <remarks>Fully optimised from the first call, so no run times tier-0 code.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ReadAll(float[] data, int start, int count)
    {
        ref float p = ref data[start];
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
        int i = 0;
        for (; i <= count - 128; i += 128)
        {
            a0 += Vector512.LoadUnsafe(ref p, (nuint)i);
            a1 += Vector512.LoadUnsafe(ref p, (nuint)(i + 16));
            a2 += Vector512.LoadUnsafe(ref p, (nuint)(i + 32));
            a3 += Vector512.LoadUnsafe(ref p, (nuint)(i + 48));
            a4 += Vector512.LoadUnsafe(ref p, (nuint)(i + 64));
            a5 += Vector512.LoadUnsafe(ref p, (nuint)(i + 80));
            a6 += Vector512.LoadUnsafe(ref p, (nuint)(i + 96));
            a7 += Vector512.LoadUnsafe(ref p, (nuint)(i + 112));
        }

        for (; i <= count - 16; i += 16)
        {
            a0 += Vector512.LoadUnsafe(ref p, (nuint)i);
        }

        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
    }

    /// <summary><see cref="ReadAll"/> with a software prefetch a few lines ahead of each 512-byte step.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe float ReadAllPrefetch(float[] data, int start, int count)
    {
        fixed (float* p = &data[start])
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
            int i = 0;
            for (; i <= count - 128; i += 128)
            {
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + i + 1024);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + i + 1040);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + i + 1056);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + i + 1072);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + i + 1088);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + i + 1104);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + i + 1120);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + i + 1136);
                a0 += Vector512.Load(p + i);
                a1 += Vector512.Load(p + i + 16);
                a2 += Vector512.Load(p + i + 32);
                a3 += Vector512.Load(p + i + 48);
                a4 += Vector512.Load(p + i + 64);
                a5 += Vector512.Load(p + i + 80);
                a6 += Vector512.Load(p + i + 96);
                a7 += Vector512.Load(p + i + 112);
            }

            return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        }
    }
}
