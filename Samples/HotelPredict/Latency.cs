using System.Diagnostics;
using System.Globalization;
using System.Text;
using ModelGen.Data;
using ModelGen.Kernels;
using ModelGen.Samples.HotelCancellations;

namespace ModelGen.Samples.HotelPredict;

/// <summary>
/// The README's in-process figures (<c>--measure N</c>): the batch-1 latency of the network alone (one prepared booking
/// through HotelNet's forward pass) and of a whole line of standard input (split, typed, prepared, scored and printed
/// to nowhere), each the median of <c>N</c> timed runs after <c>N / 10</c> untimed ones.
/// </summary>
internal static class Latency
{
    public static int Measure(string modelFolder, string inputPath, int runs, TextWriter output, TextWriter error)
    {
        string weights = Path.Combine(modelFolder, HotelPrediction.WeightsFile);
        string[] lines = File.ReadLines(inputPath).Take(2).ToArray();
        if (lines.Length < 2)
        {
            error.WriteLine($"{DisplayText.Escape(inputPath)} needs a header and one booking for --measure.");
            return 1;
        }

        using var model = new HotelNet(batchCapacity: 1, seed: 0, device: Device.Cpu(1));
        model.Load(weights);
        ColumnTransformer preparation = ColumnTransformer.Load(ColumnTransformer.PathBesideWeights(weights));
        Table booking = HotelData.Read(inputPath);
        float[] features = preparation.Transform(booking.Take([0])).Values;
        var probability = new float[1];
        double forward = Median(runs, () => model.Predict(features, probability));

        // One reader holding warm-up and timed lines alike: RunLines loads the model once, then each line is one booking.
        string text = lines[0] + "\n" + string.Concat(Enumerable.Repeat(lines[1] + "\n", runs + runs / 10));
        var clock = Stopwatch.StartNew();
        int exit = HotelPrediction.RunLines(modelFolder, new MemoryStream(Encoding.UTF8.GetBytes(text)), TextWriter.Null, error);
        double line = clock.Elapsed.TotalMicroseconds / (runs + runs / 10);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch-1 forward: {forward:F2} us (median of {runs}); a line of standard input, split, prepared, scored and written: {line:F1} us (mean of {runs + runs / 10}, model loading included)"));
        return exit;
    }

    private static double Median(int runs, Action action)
    {
        for (int i = 0; i < runs / 10; i++)
        {
            action();
        }

        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }
}
