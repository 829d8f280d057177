namespace ModelGen.Kernels.Tests.Reference;

/// <summary>Plain triple loop in double: C = alpha op(A) op(B) + beta C (beta = 0 ignores C).</summary>
internal static class GemmReference
{
    public static double[] Run(bool transA, bool transB, int m, int n, int k, double alpha, float[] a, float[] b, double beta, float[] c)
    {
        var result = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double aip = transA ? a[(p * m) + i] : a[(i * k) + p];
                    double bpj = transB ? b[(j * k) + p] : b[(p * n) + j];
                    sum += aip * bpj;
                }

                result[(i * n) + j] = (alpha * sum) + (beta == 0 ? 0 : beta * c[(i * n) + j]);
            }
        }

        return result;
    }
}
