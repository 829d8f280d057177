using System.Runtime.CompilerServices;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// One thread's packing scratch, allocated once with the back end: an A block (MC, KC), a B panel
/// (KC, NC) and one (MR, NR) tile for edge write-back, all pinned and 64-byte aligned.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    private const int Alignment = 64;
    private readonly float[] _storage;

    public GemmWorkspace(int packASize, int packBSize, int tileSize)
    {
        int pad = Alignment / sizeof(float);
        _storage = GC.AllocateArray<float>(packASize + packBSize + tileSize + (3 * pad), pinned: true);
        float* start = (float*)Unsafe.AsPointer(ref _storage[0]);
        float* aligned = (float*)(((nint)start + Alignment - 1) & ~(nint)(Alignment - 1));
        PackA = aligned;
        PackB = aligned + RoundUp(packASize, pad);
        Tile = PackB + RoundUp(packBSize, pad);
    }

    /// <summary>The packed A block.</summary>
    public float* PackA { get; }

    /// <summary>The packed B panel.</summary>
    public float* PackB { get; }

    /// <summary>The edge tile.</summary>
    public float* Tile { get; }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
