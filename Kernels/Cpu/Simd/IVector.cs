using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelGen.Kernels.Cpu.Ops;

namespace ModelGen.Kernels.Cpu.Simd;

/// <summary>
/// The vector operations kernels written once for every width need: a struct per width (<see cref="V512"/>,
/// <see cref="V256"/>, <see cref="V128"/>, <see cref="V1"/>), so each generic instantiation compiles to that width's
/// instructions with nothing in between. FusedMultiplyAdd is fused where the hardware has FMA; at 128 and 256 bits
/// without it (SSE-only x64), a multiply and an add rather than .NET's exact software emulation.
/// </summary>
internal unsafe interface IVector<TSelf>
    where TSelf : struct, IVector<TSelf>
{
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }

    static abstract TSelf Create(float value);

    static abstract TSelf Load(float* at);

    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>max(a, 0).</summary>
    static abstract TSelf Relu(TSelf a);

    /// <summary>A mask: lanes from <paramref name="lanes"/> on all ones, those before all zeros.</summary>
    static abstract TSelf LanesFrom(int lanes);

    static abstract TSelf operator &(TSelf a, TSelf b);

    static abstract float Sum(TSelf a);

    static abstract TSelf operator +(TSelf a, TSelf b);

    void Store(float* at);
}

internal readonly unsafe struct V512(Vector512<float> v) : IVector<V512>
{
    private readonly Vector512<float> _v = v;

    public static int Count => Vector512<float>.Count;

    public static V512 Zero => new(Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Create(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Load(float* at) => new(Vector512.Load(at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 FusedMultiplyAdd(V512 a, V512 b, V512 c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Relu(V512 a) => new(Vector512.MaxNative(a._v, Vector512<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 LanesFrom(int lanes) =>
        new(Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(lanes)).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 operator &(V512 a, V512 b) => new(a._v & b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(V512 a) => Vector512.Sum(a._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 operator +(V512 a, V512 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float* at) => _v.Store(at);
}

internal readonly unsafe struct V256(Vector256<float> v) : IVector<V256>
{
    private readonly Vector256<float> _v = v;

    public static int Count => Vector256<float>.Count;

    public static V256 Zero => new(Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Create(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Load(float* at) => new(Vector256.Load(at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 FusedMultiplyAdd(V256 a, V256 b, V256 c) => new(Vector256.MultiplyAddEstimate(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Relu(V256 a) => new(Vector256.MaxNative(a._v, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 LanesFrom(int lanes) =>
        new(Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(lanes)).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 operator &(V256 a, V256 b) => new(a._v & b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(V256 a) => Vector256.Sum(a._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 operator +(V256 a, V256 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float* at) => _v.Store(at);
}

internal readonly unsafe struct V128(Vector128<float> v) : IVector<V128>
{
    private readonly Vector128<float> _v = v;

    public static int Count => Vector128<float>.Count;

    public static V128 Zero => new(Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Create(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Load(float* at) => new(Vector128.Load(at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 FusedMultiplyAdd(V128 a, V128 b, V128 c) => new(Vector128.MultiplyAddEstimate(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Relu(V128 a) => new(Vector128.MaxNative(a._v, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 LanesFrom(int lanes) =>
        new(Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(lanes)).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 operator &(V128 a, V128 b) => new(a._v & b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(V128 a) => Vector128.Sum(a._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 operator +(V128 a, V128 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float* at) => _v.Store(at);
}

/// <summary>The scalar "vector" of one lane: the same kernels as plain loops (and the reference for the widths above).</summary>
internal readonly unsafe struct V1(float v) : IVector<V1>
{
    private readonly float _v = v;

    public static int Count => 1;

    public static V1 Zero => new(0f);

    public static V1 Create(float value) => new(value);

    public static V1 Load(float* at) => new(*at);

    public static V1 FusedMultiplyAdd(V1 a, V1 b, V1 c) => new((a._v * b._v) + c._v);

    public static V1 Relu(V1 a) => new(ReluOp.Invoke(a._v));

    public static V1 LanesFrom(int lanes) => new(lanes > 0 ? 0f : BitConverter.Int32BitsToSingle(-1));

    public static V1 operator &(V1 a, V1 b) => new(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a._v) & BitConverter.SingleToInt32Bits(b._v)));

    public static float Sum(V1 a) => a._v;

    public static V1 operator +(V1 a, V1 b) => new(a._v + b._v);

    public void Store(float* at) => *at = _v;
}
