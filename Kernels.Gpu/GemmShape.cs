namespace ModelGen.Kernels.Gpu;

/// <summary>The scalar arguments of one GEMM launch, passed as one kernel parameter.</summary>
/// <param name="M">Rows of op(A) and C.</param>
/// <param name="N">Columns of op(B) and C.</param>
/// <param name="K">The shared dimension.</param>
/// <param name="Alpha">Scale of the product.</param>
/// <param name="Beta">Scale of C's old value; 0 ignores it, even NaN.</param>
/// <param name="TransA">1 when A is stored (K, M).</param>
/// <param name="TransB">1 when B is stored (N, K).</param>
internal readonly record struct GemmShape(int M, int N, int K, float Alpha, float Beta, int TransA, int TransB);
