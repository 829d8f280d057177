namespace ModelGen.Kernels.Gpu;

/// <summary>The scalar arguments of one batched GEMM launch, passed as one kernel parameter.</summary>
/// <param name="M">Rows of op(A_i) and C_i.</param>
/// <param name="N">Columns of op(B_i) and C_i.</param>
/// <param name="K">The shared dimension.</param>
/// <param name="Alpha">Scale of the products.</param>
/// <param name="Beta">Scale of C_i's old value; 0 ignores it, even NaN.</param>
/// <param name="TransA">1 when each A_i is stored (K, M).</param>
/// <param name="TransB">1 when each B_i is stored (N, K).</param>
/// <param name="StrideA">Floats from A_i to A_(i+1); 0 shares one A.</param>
/// <param name="StrideB">Floats from B_i to B_(i+1); 0 shares one B.</param>
/// <param name="StrideC">Floats from C_i to C_(i+1).</param>
/// <param name="First">The product that the launch's first batch index stands for (launches cover at most <see cref="BatchedGemmGpu.MaxLaunch"/> products).</param>
internal readonly record struct BatchedGemmShape(int M, int N, int K, float Alpha, float Beta, int TransA, int TransB,
    long StrideA, long StrideB, long StrideC, int First);
