namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// A back end for checking the GPU attention kernels without the CPU back end's: every operation of
/// <c>IBackend.Attention.cs</c> is a plain scalar loop in double over downloaded views (the contract's formulas read
/// literally; outputs are uploaded after every input is read, so aliasing needs no care), and every other operation goes
/// to <paramref name="backend"/>. The parity cases run against it as they run against the CPU back end.
/// </summary>
internal sealed class AttentionReference(IBackend backend) : IBackend
{
    /// <inheritdoc/>
    public void LayerNormForward(Buf x, Buf y, Buf gamma, Buf beta, Buf savedMean, Buf savedInvStd, int rows, int features, float epsilon)
    {
        float[] xs = Read(x, rows * features), g = Read(gamma, features), b = Read(beta, features);
        float[] ys = new float[rows * features], means = new float[rows], invStds = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            double mean = 0, variance = 0;
            for (int f = 0; f < features; f++)
            {
                mean += xs[(r * features) + f];
            }

            mean /= features;
            for (int f = 0; f < features; f++)
            {
                double d = xs[(r * features) + f] - mean;
                variance += d * d;
            }

            variance /= features;
            double invStd = 1 / Math.Sqrt(variance + epsilon);
            means[r] = (float)mean;
            invStds[r] = (float)invStd;
            for (int f = 0; f < features; f++)
            {
                ys[(r * features) + f] = (float)((g[f] * (xs[(r * features) + f] - mean) * invStd) + b[f]);
            }
        }

        Write(ys, y);
        Write(means, savedMean);
        Write(invStds, savedInvStd);
    }

    /// <inheritdoc/>
    public void LayerNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int rows, int features)
    {
        float[] xs = Read(x, rows * features), dys = Read(dy, rows * features), g = Read(gamma, features);
        float[] dg = Read(dGamma, features), db = Read(dBeta, features), means = Read(savedMean, rows), invStds = Read(savedInvStd, rows);
        float[] dxs = new float[rows * features];
        double[] sumDg = new double[features], sumDb = new double[features];
        for (int r = 0; r < rows; r++)
        {
            double meanG = 0, meanGXhat = 0;
            for (int f = 0; f < features; f++)
            {
                int at = (r * features) + f;
                double xhat = (xs[at] - (double)means[r]) * invStds[r], gf = (double)dys[at] * g[f];
                meanG += gf;
                meanGXhat += gf * xhat;
                sumDg[f] += dys[at] * xhat;
                sumDb[f] += dys[at];
            }

            meanG /= features;
            meanGXhat /= features;
            for (int f = 0; f < features; f++)
            {
                int at = (r * features) + f;
                double xhat = (xs[at] - (double)means[r]) * invStds[r];
                dxs[at] = (float)(invStds[r] * (((double)dys[at] * g[f]) - meanG - (xhat * meanGXhat)));
            }
        }

        Write(dxs, dx);
        Write([.. dg.Select((v, f) => (float)(v + sumDg[f]))], dGamma);
        Write([.. db.Select((v, f) => (float)(v + sumDb[f]))], dBeta);
    }

    /// <inheritdoc/>
    public void BatchedGemm(bool transA, bool transB, int count, int m, int n, int k, float alpha, Buf a, int strideA, Buf b, int strideB, float beta, Buf c, int strideC)
    {
        for (int i = 0; i < count; i++)
        {
            float[] av = Read(a.Slice(i * strideA, m * k), m * k), bv = Read(b.Slice(i * strideB, k * n), k * n);
            Buf ci = c.Slice(i * strideC, m * n);
            float[] cv = Read(ci, m * n);
            for (int row = 0; row < m; row++)
            {
                for (int col = 0; col < n; col++)
                {
                    double sum = 0;
                    for (int kk = 0; kk < k; kk++)
                    {
                        sum += (double)(transA ? av[(kk * m) + row] : av[(row * k) + kk]) * (transB ? bv[(col * k) + kk] : bv[(kk * n) + col]);
                    }

                    int at = (row * n) + col;
                    cv[at] = (float)(beta == 0f ? alpha * sum : (alpha * sum) + ((double)beta * cv[at]));
                }
            }

            Write(cv, ci);
        }
    }

    /// <inheritdoc/>
    public void AttentionSoftmax(Buf scores, Buf mask, Buf probabilities, int batch, int heads, int queries, int keys, float scale)
    {
        int rowsPerSample = heads * queries, count = batch * rowsPerSample * keys;
        float[] s = Read(scores, count), m = mask.Length == 0 ? [] : Read(mask, batch * keys), p = new float[count];
        for (int r = 0; r < batch * rowsPerSample; r++)
        {
            // The logits in float, as Keras adds the bias; the softmax in double.
            float[] v = new float[keys];
            for (int k = 0; k < keys; k++)
            {
                v[k] = (scale * s[(r * keys) + k]) + (m.Length == 0 ? 0f : (1f - m[((r / rowsPerSample) * keys) + k]) * -1e9f);
            }

            double max = v.Max(), sum = v.Sum(e => Math.Exp(e - max));
            for (int k = 0; k < keys; k++)
            {
                p[(r * keys) + k] = (float)(Math.Exp(v[k] - max) / sum);
            }
        }

        Write(p, probabilities);
    }

    /// <inheritdoc/>
    public void AttentionSoftmaxBackward(Buf probabilities, Buf dProbabilities, Buf dScores, int rows, int keys, float scale)
    {
        float[] p = Read(probabilities, rows * keys), dp = Read(dProbabilities, rows * keys), ds = new float[rows * keys];
        for (int r = 0; r < rows; r++)
        {
            double dot = 0;
            for (int k = 0; k < keys; k++)
            {
                dot += (double)dp[(r * keys) + k] * p[(r * keys) + k];
            }

            for (int k = 0; k < keys; k++)
            {
                ds[(r * keys) + k] = (float)(scale * p[(r * keys) + k] * (dp[(r * keys) + k] - dot));
            }
        }

        Write(ds, dScores);
    }

    /// <inheritdoc/>
    public void Gelu(Buf x, Buf y, int count) => Write([.. Read(x, count).Select(v => (float)(v * Phi(v)))], y);

    /// <inheritdoc/>
    public void GeluBackward(Buf x, Buf dy, Buf dx, int count)
    {
        float[] xs = Read(x, count), dys = Read(dy, count);
        Write([.. xs.Select((v, i) => (float)(dys[i] * (Phi(v) + (v * Math.Exp(-0.5 * v * v) / Math.Sqrt(2 * Math.PI)))))], dx);
    }

    /// <inheritdoc/>
    public void Axpby(float alpha, Buf a, float beta, Buf b, Buf y, int count)
    {
        float[] av = Read(a, count), bv = beta == 0f ? new float[count] : Read(b, count);
        Write([.. av.Select((v, i) => (float)((alpha * (double)v) + (beta * (double)bv[i])))], y);
    }

    /// <inheritdoc/>
    public void Multiply(Buf a, Buf b, Buf y, int count, bool accumulate)
    {
        float[] av = Read(a, count), bv = Read(b, count), yv = accumulate ? Read(y, count) : new float[count];
        Write([.. av.Select((v, i) => yv[i] + (v * bv[i]))], y);
    }

    /// <inheritdoc/>
    public void SwapAxes(Buf x, Buf y, int outer, int first, int middle, int second, int innermost, bool accumulate)
    {
        int count = outer * first * middle * second * innermost;
        float[] xv = Read(x, count), yv = accumulate ? Read(y, count) : new float[count];
        for (int o = 0; o < outer; o++)
        {
            for (int f = 0; f < first; f++)
            {
                for (int m = 0; m < middle; m++)
                {
                    for (int s = 0; s < second; s++)
                    {
                        for (int i = 0; i < innermost; i++)
                        {
                            int from = ((((((o * first) + f) * middle) + m) * second) + s) * innermost;
                            int to = ((((((o * second) + s) * middle) + m) * first) + f) * innermost;
                            yv[to + i] += xv[from + i];
                        }
                    }
                }
            }
        }

        Write(yv, y);
    }

    /// <inheritdoc/>
    public void CopyRows(Buf source, int sourceStride, Buf destination, int destinationStride, int rows, int width, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            Buf to = destination.Slice(r * destinationStride, width);
            float[] run = Read(source.Slice(r * sourceStride, width), width), old = accumulate ? Read(to, width) : new float[width];
            Write([.. run.Select((v, w) => old[w] + v)], to);
        }
    }

    /// <inheritdoc/>
    public void MeanAxis(Buf x, Buf mask, Buf y, int outer, int length, int width)
    {
        float[] xv = Read(x, outer * length * width), m = mask.Length == 0 ? [] : Read(mask, outer * length), yv = new float[outer * width];
        for (int o = 0; o < outer; o++)
        {
            int n = Enumerable.Range(0, length).Count(l => m.Length == 0 || m[(o * length) + l] != 0f);
            for (int w = 0; w < width; w++)
            {
                double sum = 0;
                for (int l = 0; l < length; l++)
                {
                    sum += m.Length == 0 || m[(o * length) + l] != 0f ? xv[(((o * length) + l) * width) + w] : 0;
                }

                yv[(o * width) + w] = n == 0 ? 0f : (float)(sum / n);
            }
        }

        Write(yv, y);
    }

    /// <inheritdoc/>
    public void MeanAxisBackward(Buf dy, Buf mask, Buf dx, int outer, int length, int width, bool accumulate)
    {
        int count = outer * length * width;
        float[] dyv = Read(dy, outer * width), m = mask.Length == 0 ? [] : Read(mask, outer * length), dxv = accumulate ? Read(dx, count) : new float[count];
        for (int o = 0; o < outer; o++)
        {
            int n = Enumerable.Range(0, length).Count(l => m.Length == 0 || m[(o * length) + l] != 0f);
            for (int l = 0; l < length; l++)
            {
                bool averaged = m.Length == 0 || m[(o * length) + l] != 0f;
                for (int w = 0; w < width; w++)
                {
                    dxv[(((o * length) + l) * width) + w] += averaged ? dyv[(o * width) + w] / n : 0f;
                }
            }
        }

        Write(dxv, dx);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <inheritdoc/>
    public string Name => backend.Name;

    /// <inheritdoc/>
    public int Length => backend.Length;

    /// <inheritdoc/>
    public void Upload(ReadOnlySpan<float> source, Buf destination) => backend.Upload(source, destination);

    /// <inheritdoc/>
    public void Download(Buf source, Span<float> destination) => backend.Download(source, destination);

    /// <inheritdoc/>
    public void Fill(Buf x, float value) => backend.Fill(x, value);

    /// <inheritdoc/>
    public void Copy(Buf source, Buf destination) => backend.Copy(source, destination);

    /// <inheritdoc/>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Buf a, Buf b, float beta, Buf c) => backend.Gemm(transA, transB, m, n, k, alpha, a, b, beta, c);

    /// <inheritdoc/>
    public void BiasActivation(Buf y, Buf bias, int batch, int features, ActivationKind activation) => backend.BiasActivation(y, bias, batch, features, activation);

    /// <inheritdoc/>
    public void Activation(Buf x, Buf y, int batch, int features, ActivationKind activation) => backend.Activation(x, y, batch, features, activation);

    /// <inheritdoc/>
    public void ActivationBackward(Buf y, Buf dy, Buf dx, int batch, int features, ActivationKind activation) => backend.ActivationBackward(y, dy, dx, batch, features, activation);

    /// <inheritdoc/>
    public void BiasBackward(Buf dy, Buf dBias, int batch, int features) => backend.BiasBackward(dy, dBias, batch, features);

    /// <inheritdoc/>
    public void BatchNormTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, Buf savedMean, Buf savedInvStd, int batch, int features, float momentum, float epsilon) => backend.BatchNormTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, momentum, epsilon);

    /// <inheritdoc/>
    public void BatchNormInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, int batch, int features, float epsilon) => backend.BatchNormInference(x, y, gamma, beta, runningMean, runningVar, batch, features, epsilon);

    /// <inheritdoc/>
    public void BatchNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int batch, int features) => backend.BatchNormBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features);

    /// <inheritdoc/>
    public void DropoutForward(Buf x, Buf y, Buf mask, float rate, ulong seed, ulong stream) => backend.DropoutForward(x, y, mask, rate, seed, stream);

    /// <inheritdoc/>
    public void DropoutBackward(Buf dy, Buf mask, Buf dx) => backend.DropoutBackward(dy, mask, dx);

    /// <inheritdoc/>
    public void Masking(Buf x, Buf y, Buf mask, int batch, int steps, int features, float value) => backend.Masking(x, y, mask, batch, steps, features, value);

    /// <inheritdoc/>
    public void MaskingBackward(Buf dy, Buf mask, Buf dx, int batch, int steps, int features) => backend.MaskingBackward(dy, mask, dx, batch, steps, features);

    /// <inheritdoc/>
    public void Loss(LossKind kind, bool fromLogits, Buf prediction, Buf target, Buf dPrediction, Buf loss, int batch, int features, float gradScale, Buf weights = default) => backend.Loss(kind, fromLogits, prediction, target, dPrediction, loss, batch, features, gradScale, weights);

    /// <inheritdoc/>
    public void Metric(MetricKind kind, Buf prediction, Buf target, Buf result, int batch, int features) => backend.Metric(kind, prediction, target, result, batch, features);

    /// <inheritdoc/>
    public void AllFinite(Buf x, Buf result) => backend.AllFinite(x, result);

    /// <inheritdoc/>
    public void ClipByValue(Buf gradients, float limit) => backend.ClipByValue(gradients, limit);

    /// <inheritdoc/>
    public void ClipByNorm(Buf gradients, float maxNorm) => backend.ClipByNorm(gradients, maxNorm);

    /// <inheritdoc/>
    public void SgdStep(Buf parameters, Buf gradients, Buf velocity, float learningRate, float momentum, bool nesterov) => backend.SgdStep(parameters, gradients, velocity, learningRate, momentum, nesterov);

    /// <inheritdoc/>
    public void AdamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2, float epsilon, int step) => backend.AdamStep(parameters, gradients, m, v, learningRate, beta1, beta2, epsilon, step);

    /// <inheritdoc/>
    public void RmsPropStep(Buf parameters, Buf gradients, Buf meanSquare, float learningRate, float rho, float epsilon) => backend.RmsPropStep(parameters, gradients, meanSquare, learningRate, rho, epsilon);

    public void AmsGradStep(Buf parameters, Buf gradients, Buf m, Buf v, Buf vHat, float learningRate, float beta1, float beta2, float epsilon, int step) => backend.AmsGradStep(parameters, gradients, m, v, vHat, learningRate, beta1, beta2, epsilon, step);

    public void RmsPropStep(Buf parameters, Buf gradients, Buf velocity, Buf momentum, Buf averageGradient, float learningRate, float rho, float momentumFactor, float epsilon) => backend.RmsPropStep(parameters, gradients, velocity, momentum, averageGradient, learningRate, rho, momentumFactor, epsilon);

    /// <inheritdoc/>
    public void AdagradStep(Buf parameters, Buf gradients, Buf accumulator, float learningRate, float epsilon) => backend.AdagradStep(parameters, gradients, accumulator, learningRate, epsilon);

    /// <inheritdoc/>
    public void AdamaxStep(Buf parameters, Buf gradients, Buf m, Buf u, float learningRate, float beta1, float beta2, float epsilon, int step) => backend.AdamaxStep(parameters, gradients, m, u, learningRate, beta1, beta2, epsilon, step);

    /// <inheritdoc/>
    public void NadamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2, float epsilon, int step, float uProduct) => backend.NadamStep(parameters, gradients, m, v, learningRate, beta1, beta2, epsilon, step, uProduct);

    /// <inheritdoc/>
    public void LionStep(Buf parameters, Buf gradients, Buf m, float learningRate, float beta1, float beta2) => backend.LionStep(parameters, gradients, m, learningRate, beta1, beta2);

    /// <inheritdoc/>
    public void Regularize(Buf parameters, Buf gradients, Buf loss, float l1, float l2) => backend.Regularize(parameters, gradients, loss, l1, l2);

    /// <inheritdoc/>
    public void Conv2DForward(Buf x, Buf weight, Buf bias, Buf patches, Buf rows, Buf y, int batch, Conv2DShape shape, ActivationKind activation) => backend.Conv2DForward(x, weight, bias, patches, rows, y, batch, shape, activation);

    /// <inheritdoc/>
    public void Conv2DBackward(Buf x, Buf weight, Buf dy, Buf patches, Buf rows, Buf dWeight, Buf dBias, Buf dx, int batch, Conv2DShape shape) => backend.Conv2DBackward(x, weight, dy, patches, rows, dWeight, dBias, dx, batch, shape);

    /// <inheritdoc/>
    public void MaxPool2DForward(Buf x, Buf y, Buf argmax, int batch, Pool2DShape shape) => backend.MaxPool2DForward(x, y, argmax, batch, shape);

    /// <inheritdoc/>
    public void MaxPool2DBackward(Buf dy, Buf argmax, Buf reluOutput, Buf dx, int batch, Pool2DShape shape) => backend.MaxPool2DBackward(dy, argmax, reluOutput, dx, batch, shape);

    /// <inheritdoc/>
    public void AvgPool2DForward(Buf x, Buf y, int batch, Pool2DShape shape) => backend.AvgPool2DForward(x, y, batch, shape);

    /// <inheritdoc/>
    public void AvgPool2DBackward(Buf dy, Buf dx, int batch, Pool2DShape shape) => backend.AvgPool2DBackward(dy, dx, batch, shape);

    /// <inheritdoc/>
    public void BatchNorm2DTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial, float momentum, float epsilon) => backend.BatchNorm2DTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, channels, spatial, momentum, epsilon);

    /// <inheritdoc/>
    public void BatchNorm2DInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, int batch, int channels, int spatial, float epsilon) => backend.BatchNorm2DInference(x, y, gamma, beta, runningMean, runningVar, batch, channels, spatial, epsilon);

    /// <inheritdoc/>
    public void BatchNorm2DBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial) => backend.BatchNorm2DBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, channels, spatial);

    /// <inheritdoc/>
    public void SequenceTranspose(Buf source, Buf destination, int outer, int inner, int width) => backend.SequenceTranspose(source, destination, outer, inner, width);

    /// <inheritdoc/>
    public void RnnStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf h, int batch, int units, ActivationKind activation) => backend.RnnStepForward(xp, hp, biasIh, biasHh, previous, mask, h, batch, units, activation);

    /// <inheritdoc/>
    public void RnnStepBackward(Buf h, Buf mask, Buf dSequence, Buf dh, Buf dGates, int batch, int units, ActivationKind activation) => backend.RnnStepBackward(h, mask, dSequence, dh, dGates, batch, units, activation);

    /// <inheritdoc/>
    public void LstmStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previousH, Buf previousC, Buf mask, Buf gates, Buf h, Buf c, int batch, int units) => backend.LstmStepForward(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, batch, units);

    /// <inheritdoc/>
    public void LstmStepBackward(Buf gates, Buf previousC, Buf c, Buf mask, Buf dSequence, Buf dh, Buf dc, Buf dGates, int batch, int units) => backend.LstmStepBackward(gates, previousC, c, mask, dSequence, dh, dc, dGates, batch, units);

    /// <inheritdoc/>
    public void GruStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf gates, Buf h, int batch, int units) => backend.GruStepForward(xp, hp, biasIh, biasHh, previous, mask, gates, h, batch, units);

    /// <inheritdoc/>
    public void GruStepBackward(Buf gates, Buf previous, Buf mask, Buf dSequence, Buf dh, Buf dInputGates, Buf dRecurrentGates, int batch, int units) => backend.GruStepBackward(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, batch, units);

    /// <inheritdoc/>
    public void EmbeddingForward(Buf ids, Buf table, Buf y, Buf mask, int batch, int steps, int vocabulary, int width) => backend.EmbeddingForward(ids, table, y, mask, batch, steps, vocabulary, width);

    /// <inheritdoc/>
    public void EmbeddingBackward(Buf ids, Buf dy, Buf dTable, int batch, int steps, int vocabulary, int width) => backend.EmbeddingBackward(ids, dy, dTable, batch, steps, vocabulary, width);

    /// <summary>The standard normal distribution function in double, from the error function's series and continued fraction.</summary>
    internal static double Phi(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>erfc in double (W. J. Cody's rational approximations would do as well): the Taylor series of erf below 2, Lentz's continued fraction above.</summary>
    private static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        double ax = Math.Abs(x);
        double erfc;
        if (ax < 2.5)
        {
            // erf(x) = 2 / sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)).
            double term = ax, sum = ax;
            for (int n = 1; n < 100; n++)
            {
                term *= -ax * ax / n;
                sum += term / ((2 * n) + 1);
            }

            erfc = 1 - (2 / Math.Sqrt(Math.PI) * sum);
        }
        else
        {
            // erfc(x) = exp(-x^2) / sqrt(pi) / (x + 1/2 / (x + 1 / (x + 3/2 / (x + ...)))), evaluated from the tail.
            double fraction = ax;
            for (int n = 200; n >= 1; n--)
            {
                fraction = ax + (n / 2.0 / fraction);
            }

            erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / fraction;
        }

        return x < 0 ? 2 - erfc : erfc;
    }

    private float[] Read(Buf view, int count)
    {
        var host = new float[count];
        backend.Download(view.Take(count), host);
        return host;
    }

    private void Write(float[] values, Buf view) => backend.Upload(values, view.Take(values.Length));
}
