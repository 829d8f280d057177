namespace ModelGen.Kernels.Gpu.Parity;

public static partial class ParitySuite
{
    /// <summary>
    /// Convolution, pooling and per-channel batch normalisation: valid and same padding (with the odd extra row
    /// and column beyond the far edge), strides 1, 2 and 3 (gaps between windows), 1x1 maps, one channel, every
    /// activation, backward with and without dx over accumulating dWeight and dBias, overlapping and global
    /// pooling windows, max-pool ties and NaN.
    /// </summary>
    private static void AddConv2DCases(Action<string, double, Action<ParityArena>> add)
    {
        (int Batch, Conv2DShape Shape)[] convolutions =
        [
            (2, Conv(3, 7, 5, 4, 3, 3, 1, 1, same: false)),
            (2, Conv(3, 8, 7, 4, 3, 4, 2, 2, same: true)),   // pads top 0 / bottom 1, left 1 / right 2
            (2, Conv(2, 6, 5, 3, 4, 2, 1, 1, same: true)),   // pads top 1 / bottom 2, left 0 / right 1
            (1, Conv(3, 9, 9, 2, 3, 3, 2, 2, same: false)),
            (2, Conv(2, 8, 8, 3, 2, 2, 3, 3, same: false)),  // stride above the kernel: inputs no window reads
            (3, Conv(4, 1, 1, 2, 1, 1, 1, 1, same: false)),
            (2, Conv(2, 1, 1, 3, 3, 3, 1, 1, same: true)),   // a 1x1 map under a 3x3 kernel: only the centre tap
            (2, Conv(1, 6, 6, 3, 3, 3, 1, 1, same: false)),
            (2, Conv(8, 12, 12, 16, 3, 3, 1, 1, same: true)),
        ];
        ActivationKind[] activations = [ActivationKind.Linear, ActivationKind.ReLU, ActivationKind.Sigmoid, ActivationKind.Tanh];
        for (int g = 0; g < convolutions.Length; g++)
        {
            (int batch, Conv2DShape shape) = convolutions[g];
            string geometry = ConvName(batch, shape);
            ActivationKind[] kinds = g == 0 ? activations : [activations[g % activations.Length]];
            foreach (ActivationKind kind in kinds)
            {
                add($"Conv2DForward {kind} {geometry}", Reduction, a =>
                {
                    ConvViews v = ConvForward(a, batch, shape, kind);
                    a.Output("y", v.Y);
                });
            }

            foreach (bool withDx in g < 2 ? new[] { true, false } : [true])
            {
                add($"Conv2DBackward{(withDx ? "" : " without dx")} {geometry}", Reduction, a =>
                {
                    // The forward pass first: a back end may read the patches it leaves.
                    ConvViews v = ConvForward(a, batch, shape, ActivationKind.Linear);
                    Buf dy = a.Random(batch * shape.OutputSize), dWeight = a.Random(shape.WeightSize), dBias = a.Random(shape.Filters);
                    Buf dx = withDx ? a.Garbage(batch * shape.InputSize) : default;
                    a.Backend.Conv2DBackward(v.X, v.Weight, dy, v.Patches, v.Rows, dWeight, dBias, dx, batch, shape);
                    a.Output("dWeight", dWeight);
                    a.Output("dBias", dBias);
                    if (withDx)
                    {
                        a.Output("dx", dx);
                    }
                });
            }
        }

        (int Batch, Pool2DShape Shape, string Note)[] pools =
        [
            (2, Pool(3, 6, 6, 2, 2, 2, 2), ""),
            (2, Pool(3, 7, 7, 3, 3, 2, 2), " overlapping"),
            (2, Pool(2, 5, 6, 3, 2, 1, 2), " overlapping"),
            (2, Pool(3, 7, 5, 2, 2, 2, 2), " ragged"),
            (2, Pool(2, 8, 7, 2, 2, 3, 3), " gaps"),
            (3, Pool(5, 4, 6, 4, 6, 4, 6), " global"),
            (2, Pool(4, 1, 1, 1, 1, 1, 1), ""),
        ];
        foreach ((int batch, Pool2DShape shape, string note) in pools)
        {
            string geometry = $"{note} {PoolName(batch, shape)}";
            int inputs = batch * shape.InputSize, outputs = batch * shape.OutputSize;
            add($"MaxPool2DForward{geometry}", Exact, a =>
            {
                Buf x = a.Random(inputs), y = a.Garbage(outputs), argmax = a.Garbage(outputs);
                a.Backend.MaxPool2DForward(x, y, argmax, batch, shape);
                a.Output("y", y);
                a.Output("argmax", argmax);
            });
            add($"MaxPool2DBackward{geometry}", Reduction, a =>
            {
                Buf x = a.Random(inputs), y = a.Garbage(outputs), argmax = a.Garbage(outputs);
                Buf dy = a.Random(outputs), dx = a.Garbage(inputs);
                a.Backend.MaxPool2DForward(x, y, argmax, batch, shape);
                a.Backend.MaxPool2DBackward(dy, argmax, default, dx, batch, shape);
                a.Output("dx", dx);
            });
            add($"MaxPool2DBackward ReLU{geometry}", Reduction, a =>
            {
                Buf x = a.Random(inputs, -1f, 1f), y = a.Garbage(outputs), argmax = a.Garbage(outputs);
                Buf dy = a.Random(outputs), dx = a.Garbage(inputs);
                a.Backend.Activation(x, x, batch, shape.InputSize, ActivationKind.ReLU);
                a.Backend.MaxPool2DForward(x, y, argmax, batch, shape);
                a.Backend.MaxPool2DBackward(dy, argmax, y, dx, batch, shape);
                a.Output("dx", dx);
            });
            add($"AvgPool2DForward{geometry}", Reduction, a =>
            {
                Buf x = a.Random(inputs), y = a.Garbage(outputs);
                a.Backend.AvgPool2DForward(x, y, batch, shape);
                a.Output("y", y);
            });
            add($"AvgPool2DBackward{geometry}", Reduction, a =>
            {
                Buf dy = a.Random(outputs), dx = a.Garbage(inputs);
                a.Backend.AvgPool2DBackward(dy, dx, batch, shape);
                a.Output("dx", dx);
            });
        }

        // Ties (values on a grid of three) must go to the first maximum in row-major order, in overlapping
        // windows too; a NaN wins its windows, and windows holding two NaN take the first.
        (int tieBatch, Pool2DShape tieShape, _) = pools[1];
        int tieInputs = tieBatch * tieShape.InputSize, tieOutputs = tieBatch * tieShape.OutputSize;
        add($"MaxPool2DForward ties and NaN {PoolName(tieBatch, tieShape)}", Exact, a =>
        {
            Buf x = a.Integers(tieInputs, 3), y = a.Garbage(tieOutputs), argmax = a.Garbage(tieOutputs);
            PlantNaN(a, x);
            a.Backend.MaxPool2DForward(x, y, argmax, tieBatch, tieShape);
            a.Output("y", y);
            a.Output("argmax", argmax);
        });
        add($"MaxPool2DBackward ties {PoolName(tieBatch, tieShape)}", Reduction, a =>
        {
            Buf x = a.Integers(tieInputs, 3), y = a.Garbage(tieOutputs), argmax = a.Garbage(tieOutputs);
            Buf dy = a.Random(tieOutputs), dx = a.Garbage(tieInputs);
            a.Backend.MaxPool2DForward(x, y, argmax, tieBatch, tieShape);
            a.Backend.MaxPool2DBackward(dy, argmax, default, dx, tieBatch, tieShape);
            a.Output("dx", dx);
        });

        // Batch normalisation per channel over (B, C, S): one value per channel (variance 0), a single position, larger maps.
        foreach ((int batch, int channels, int spatial) in new[] { (4, 3, 25), (1, 3, 9), (2, 5, 1), (1, 2, 1), (8, 16, 64) })
        {
            int n = batch * channels * spatial;
            string geometry = $"(B{batch}, C{channels}, S{spatial})";
            add($"BatchNorm2DTraining {geometry}", Reduction, a =>
            {
                Buf x = a.Random(n, -2f, 3f), y = a.Garbage(n), gamma = a.Random(channels, 0.5f, 1.5f), beta = a.Random(channels);
                Buf runningMean = a.Random(channels), runningVar = a.Random(channels, 0.5f, 2f);
                Buf savedMean = a.Garbage(channels), savedInvStd = a.Garbage(channels);
                a.Backend.BatchNorm2DTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, channels, spatial, 0.99f, 1e-3f);
                a.Output("y", y);
                a.Output("runningMean", runningMean);
                a.Output("runningVar", runningVar);
                a.Output("savedMean", savedMean);
                a.Output("savedInvStd", savedInvStd);
            });
            add($"BatchNorm2DBackward {geometry}", Reduction, a =>
            {
                Buf x = a.Random(n, -2f, 3f), dy = a.Random(n), dx = a.Garbage(n), gamma = a.Random(channels, 0.5f, 1.5f);
                Buf dGamma = a.Random(channels), dBeta = a.Random(channels);
                Buf savedMean = a.Random(channels), savedInvStd = a.Random(channels, 0.5f, 2f);
                a.Backend.BatchNorm2DBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, channels, spatial);
                a.Output("dx", dx);
                a.Output("dGamma", dGamma);
                a.Output("dBeta", dBeta);
            });
        }

        add("BatchNorm2DBackward after BatchNorm2DTraining (B4, C6, S30)", Reduction, a =>
        {
            const int Batch = 4, Channels = 6, Spatial = 30, N = Batch * Channels * Spatial;
            Buf x = a.Random(N, -2f, 3f), y = a.Garbage(N), gamma = a.Random(Channels, 0.5f, 1.5f), beta = a.Random(Channels);
            Buf runningMean = a.Random(Channels), runningVar = a.Random(Channels, 0.5f, 2f);
            Buf savedMean = a.Garbage(Channels), savedInvStd = a.Garbage(Channels);
            Buf dy = a.Random(N), dx = a.Garbage(N), dGamma = a.Random(Channels), dBeta = a.Random(Channels);
            a.Backend.BatchNorm2DTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, Batch, Channels, Spatial, 0.9f, 1e-5f);
            a.Backend.BatchNorm2DBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, Batch, Channels, Spatial);
            a.Output("dx", dx);
            a.Output("dGamma", dGamma);
            a.Output("dBeta", dBeta);
        });
        add("BatchNorm2DBackward in place (B4, C3, S25)", Reduction, a =>
        {
            Buf x = a.Random(300, -2f, 3f), dy = a.Random(300), gamma = a.Random(3, 0.5f, 1.5f);
            Buf dGamma = a.Random(3), dBeta = a.Random(3), savedMean = a.Random(3), savedInvStd = a.Random(3, 0.5f, 2f);
            a.Backend.BatchNorm2DBackward(x, dy, dy, gamma, dGamma, dBeta, savedMean, savedInvStd, 4, 3, 25);
            a.Output("dx", dy);
            a.Output("dGamma", dGamma);
            a.Output("dBeta", dBeta);
        });
        foreach ((int batch, int channels, int spatial) in new[] { (3, 4, 10), (2, 16, 49) })
        {
            int n = batch * channels * spatial;
            add($"BatchNorm2DInference (B{batch}, C{channels}, S{spatial})", Elementwise, a =>
            {
                Buf x = a.Random(n, -2f, 3f), y = a.Garbage(n), gamma = a.Random(channels, 0.5f, 1.5f), beta = a.Random(channels);
                Buf runningMean = a.Random(channels), runningVar = a.Random(channels, 0.5f, 2f);
                a.Backend.BatchNorm2DInference(x, y, gamma, beta, runningMean, runningVar, batch, channels, spatial, 1e-3f);
                a.Output("y", y);
            });
        }
    }

    /// <summary>The views of one convolution forward pass, run on random x, weight and bias.</summary>
    private readonly record struct ConvViews(Buf X, Buf Weight, Buf Patches, Buf Rows, Buf Y);

    private static ConvViews ConvForward(ParityArena a, int batch, Conv2DShape shape, ActivationKind kind)
    {
        int positions = batch * shape.Positions;
        Buf x = a.Random(batch * shape.InputSize), weight = a.Random(shape.WeightSize), bias = a.Random(shape.Filters);
        Buf patches = a.Garbage(positions * shape.PatchSize), rows = a.Garbage(positions * shape.Filters);
        Buf y = a.Garbage(batch * shape.OutputSize);
        a.Backend.Conv2DForward(x, weight, bias, patches, rows, y, batch, shape, kind);
        return new ConvViews(x, weight, patches, rows, y);
    }

    /// <summary>
    /// A convolution's geometry. Valid: no padding, OH = (H - KH) / SH + 1. Same (Keras): OH = ceil(H / SH), the
    /// total padding (OH - 1) SH + KH - H split with the odd row at the bottom (likewise the odd column at the right).
    /// </summary>
    private static Conv2DShape Conv(int channels, int height, int width, int filters, int kernelHeight, int kernelWidth,
        int strideHeight, int strideWidth, bool same)
    {
        if (!same)
        {
            return new Conv2DShape(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, 0, 0,
                ((height - kernelHeight) / strideHeight) + 1, ((width - kernelWidth) / strideWidth) + 1);
        }

        int outHeight = (height + strideHeight - 1) / strideHeight, outWidth = (width + strideWidth - 1) / strideWidth;
        int padHeight = Math.Max(0, ((outHeight - 1) * strideHeight) + kernelHeight - height);
        int padWidth = Math.Max(0, ((outWidth - 1) * strideWidth) + kernelWidth - width);
        return new Conv2DShape(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth,
            padHeight / 2, padWidth / 2, outHeight, outWidth);
    }

    private static string ConvName(int batch, Conv2DShape s) =>
        $"(B{batch}, C{s.Channels}, {s.Height}x{s.Width}, F{s.Filters}, k{s.KernelHeight}x{s.KernelWidth}, s{s.StrideHeight}x{s.StrideWidth}, "
        + $"pad {s.PadTop}x{s.PadLeft} -> {s.OutHeight}x{s.OutWidth})";

    /// <summary>A pooling geometry without padding: OH = (H - PH) / SH + 1, likewise OW.</summary>
    private static Pool2DShape Pool(int channels, int height, int width, int poolHeight, int poolWidth, int strideHeight, int strideWidth) =>
        new(channels, height, width, poolHeight, poolWidth, strideHeight, strideWidth,
            ((height - poolHeight) / strideHeight) + 1, ((width - poolWidth) / strideWidth) + 1);

    private static string PoolName(int batch, Pool2DShape s) =>
        $"(B{batch}, C{s.Channels}, {s.Height}x{s.Width}, p{s.PoolHeight}x{s.PoolWidth}, s{s.StrideHeight}x{s.StrideWidth} -> {s.OutHeight}x{s.OutWidth})";

    /// <summary>NaN at a few fixed places of <paramref name="x"/>: alone in some windows, two in overlapping ones.</summary>
    private static void PlantNaN(ParityArena a, Buf x)
    {
        foreach (int at in new[] { 3, 16, 18, 60, 62, 120 })
        {
            if (at < x.Length)
            {
                a.Backend.Fill(x.Slice(at, 1), float.NaN);
            }
        }
    }
}
