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

    static abstract TSelf One { get; }

    static abstract TSelf operator -(TSelf a, TSelf b);

    static abstract TSelf operator *(TSelf a, TSelf b);

    static abstract TSelf operator /(TSelf a, TSelf b);

    static abstract TSelf Sqrt(TSelf a);

    /// <summary>A mask: all ones where a &gt; b, else all zeros.</summary>
    static abstract TSelf GreaterThan(TSelf a, TSelf b);

    /// <summary>A mask: all ones where a &gt;= b, else all zeros.</summary>
    static abstract TSelf GreaterThanOrEqual(TSelf a, TSelf b);

    /// <summary>Per lane: <paramref name="ifTrue"/> where the mask is all ones, else <paramref name="ifFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);

    /// <summary>
    /// <see cref="CounterRandom.Uniform"/>'s float for the counters of the lanes, <paramref name="start"/> + lane, where
    /// <paramref name="start"/> already holds seed * golden + offset + counter: SplitMix64's finaliser in 64-bit integer
    /// lanes, bit for bit the scalar formula (its last xor-shift, z ^= z &gt;&gt; 31, leaves the top 24 bits as they are).
    /// </summary>
    static abstract TSelf CounterUniform(ulong start);

    /// <summary>Widens the lanes at <paramref name="at"/> to double and adds them to sum[lane] and their squares to squares[lane].</summary>
    static abstract void AddWidened(float* at, double* sum, double* squares);
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

    public static V512 One => new(Vector512<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 operator -(V512 a, V512 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 operator *(V512 a, V512 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 operator /(V512 a, V512 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Sqrt(V512 a) => new(Vector512.Sqrt(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 GreaterThan(V512 a, V512 b) => new(Vector512.GreaterThan(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 GreaterThanOrEqual(V512 a, V512 b) => new(Vector512.GreaterThanOrEqual(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Select(V512 mask, V512 ifTrue, V512 ifFalse) => new(Vector512.ConditionalSelect(mask._v, ifTrue._v, ifFalse._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 CounterUniform(ulong start)
    {
        Vector512<ulong> counters = Vector512.Create(start) + Vector512<ulong>.Indices;
        Vector512<uint> bits = Vector512.Narrow(CounterMix.Top24(counters), CounterMix.Top24(counters + Vector512.Create(8UL)));
        return new(Vector512.ConvertToSingle(bits.AsInt32()) * CounterMix.Scale);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWidened(float* at, double* sum, double* squares)
    {
        (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(Vector512.Load(at));
        (Vector512.Load(sum) + lo).Store(sum);
        (Vector512.Load(sum + 8) + hi).Store(sum + 8);
        (Vector512.Load(squares) + (lo * lo)).Store(squares);
        (Vector512.Load(squares + 8) + (hi * hi)).Store(squares + 8);
    }
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

    public static V256 One => new(Vector256<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 operator -(V256 a, V256 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 operator *(V256 a, V256 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 operator /(V256 a, V256 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Sqrt(V256 a) => new(Vector256.Sqrt(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 GreaterThan(V256 a, V256 b) => new(Vector256.GreaterThan(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 GreaterThanOrEqual(V256 a, V256 b) => new(Vector256.GreaterThanOrEqual(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Select(V256 mask, V256 ifTrue, V256 ifFalse) => new(Vector256.ConditionalSelect(mask._v, ifTrue._v, ifFalse._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 CounterUniform(ulong start) => new(CounterMix.Uniform(Vector256.Create(start)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWidened(float* at, double* sum, double* squares)
    {
        (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.Load(at));
        (Vector256.Load(sum) + lo).Store(sum);
        (Vector256.Load(sum + 4) + hi).Store(sum + 4);
        (Vector256.Load(squares) + (lo * lo)).Store(squares);
        (Vector256.Load(squares + 4) + (hi * hi)).Store(squares + 4);
    }
}

internal readonly unsafe struct V128(Vector128<float> v) : IVector<V128>
{
    private readonly Vector128<float> _v = v;

    /// <summary>The vector itself, for width-specific code around a generic body.</summary>
    public Vector128<float> Value => _v;

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

    public static V128 One => new(Vector128<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 operator -(V128 a, V128 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 operator *(V128 a, V128 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 operator /(V128 a, V128 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Sqrt(V128 a) => new(Vector128.Sqrt(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 GreaterThan(V128 a, V128 b) => new(Vector128.GreaterThan(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 GreaterThanOrEqual(V128 a, V128 b) => new(Vector128.GreaterThanOrEqual(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Select(V128 mask, V128 ifTrue, V128 ifFalse) => new(Vector128.ConditionalSelect(mask._v, ifTrue._v, ifFalse._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 CounterUniform(ulong start) => new(CounterMix.Uniform(Vector128.Create(start)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWidened(float* at, double* sum, double* squares)
    {
        (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(Vector128.Load(at));
        (Vector128.Load(sum) + lo).Store(sum);
        (Vector128.Load(sum + 2) + hi).Store(sum + 2);
        (Vector128.Load(squares) + (lo * lo)).Store(squares);
        (Vector128.Load(squares + 2) + (hi * hi)).Store(squares + 2);
    }
}

/// <summary>The scalar "vector" of one lane: the same kernels as plain loops (and the reference for the widths above).</summary>
internal readonly unsafe struct V1(float v) : IVector<V1>
{
    private static readonly float AllOnes = BitConverter.Int32BitsToSingle(-1);

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

    public static V1 One => new(1f);

    public static V1 operator -(V1 a, V1 b) => new(a._v - b._v);

    public static V1 operator *(V1 a, V1 b) => new(a._v * b._v);

    public static V1 operator /(V1 a, V1 b) => new(a._v / b._v);

    public static V1 Sqrt(V1 a) => new(MathF.Sqrt(a._v));

    public static V1 GreaterThan(V1 a, V1 b) => new(a._v > b._v ? AllOnes : 0f);

    public static V1 GreaterThanOrEqual(V1 a, V1 b) => new(a._v >= b._v ? AllOnes : 0f);

    public static V1 Select(V1 mask, V1 ifTrue, V1 ifFalse) => BitConverter.SingleToInt32Bits(mask._v) != 0 ? ifTrue : ifFalse;

    public static V1 CounterUniform(ulong start) => new(CounterMix.Top24(start) * CounterMix.Scale);

    public static void AddWidened(float* at, double* sum, double* squares)
    {
        double v = *at;
        *sum += v;
        *squares += v * v;
    }
}
