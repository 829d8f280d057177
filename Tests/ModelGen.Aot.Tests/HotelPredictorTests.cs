using System.IO.Compression;
using System.Text;
using ModelGen.Data;
using ModelGen.Samples.HotelCancellations;

namespace ModelGen.Aot.Tests;

/// <summary>
/// Publishes Samples/HotelPredict with NativeAOT and checks it against the JIT: a model trained in this process (one
/// epoch on 2,000 rows, seed 0) scores the validation rows of seed 0's split through today's predict code, and the
/// native binary must print the same text with every probability in round-trip form, so the floats are equal bit for
/// bit; standard input, line by line with bad lines among good ones, must give what the JIT's line mode gives, problems
/// included. The binary must stay under <see cref="MaxBytes"/> and carry no plotting library.
/// </summary>
public sealed class HotelPredictorTests
{
    /// <summary>The hard limit on the native predictor (its target is 3 MB; the README records the size).</summary>
    private const long MaxBytes = 5_000_000;

    /// <summary>Training rows for the model under test: enough for varied probabilities, few enough for a quick test.</summary>
    private const int TrainRows = 2000;

    /// <summary>Validation rows sent through standard input (each line is split, prepared and scored alone).</summary>
    private const int LineRows = 2000;

    private const int MonthField = 4;

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    [Trait("Category", "Aot")]
    public void HotelPredictor_PublishesSmallWithoutWarnings_AndScoresAsTheJitModelDoes()
    {
        string publishDir = NativePublish.NewFolder("modelgen-hotel-predict-");
        string modelDir = NativePublish.NewFolder("modelgen-hotel-model-");
        try
        {
            NativePublish.Publish(Path.Combine("Samples", "HotelPredict", "HotelPredict.csproj"), publishDir);
            string binary = Path.Combine(publishDir, "hotel-predict");
            Assert.True(File.Exists(binary), $"No native binary at {binary}.");
            long size = new FileInfo(binary).Length;
            Assert.True(size <= MaxBytes, $"The native predictor takes {size:N0} bytes, more than {MaxBytes:N0}.");
            string[] extra = [.. Directory.GetFiles(publishDir, "*.so").Select(Path.GetFileName)!];
            Assert.True(extra.Length == 0, "The predictor needs native libraries beside it (a plotting library?): " + string.Join(", ", extra));

            HotelTraining.Run(new TrainSettings(Seed: 0, Threads: 1, modelDir, HotelData.BundledPath, Epochs: 1, Rows: TrainRows), TextWriter.Null);
            string[] validation = ValidationLines();
            string csv = Path.Combine(modelDir, "validation.csv");
            File.WriteAllLines(csv, validation);

            // A whole file, scored in batches of 512 by both.
            var jit = new StringWriter();
            var jitError = new StringWriter();
            Assert.Equal(0, HotelPrediction.Run(modelDir, csv, jit, jitError, roundTrip: true));
            var native = ProcessRunner.Run(binary, $"--model \"{modelDir}\" --input \"{csv}\" --round-trip", publishDir, RunTimeout, standardInput: null);
            Assert.True(native.ExitCode == 0, $"hotel-predict failed ({native.ExitCode}):\n{native.Error}");
            Assert.Equal(validation.Length, jit.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            AssertSameLines(jit.ToString(), native.Output);
            Assert.Equal(jitError.ToString(), native.Error);

            // Standard input, one booking per line and a batch of one, with bad lines among the good ones.
            string[] lines = [.. validation.Take(LineRows + 1)];
            string[] fields = lines[1].Split(',');
            lines[2] = string.Join(',', fields.Select((f, i) => i == MonthField ? "Smarch" : f));
            lines[3] = string.Join(',', fields[..^1]);
            lines[4] = "";
            lines[5] = "\"" + lines[5];
            string text = string.Join('\n', lines) + "\n";
            jit = new StringWriter();
            jitError = new StringWriter();
            Assert.Equal(0, HotelPrediction.RunLines(modelDir, new MemoryStream(Encoding.UTF8.GetBytes(text)), jit, jitError, roundTrip: true));
            native = ProcessRunner.Run(binary, $"--model \"{modelDir}\" --round-trip", publishDir, RunTimeout, text);
            Assert.True(native.ExitCode == 0, $"hotel-predict on standard input failed ({native.ExitCode}):\n{native.Error}");
            AssertSameLines(jit.ToString(), native.Output);
            Assert.Equal(jitError.ToString(), native.Error);
            string[] problems = native.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(4, problems.Length);
            Assert.StartsWith("Row 2, column 'arrival_date_month': 'Smarch' is not a month", problems[0], StringComparison.Ordinal);
            Assert.StartsWith("Row 3 has 31 fields, but the header has 32", problems[1], StringComparison.Ordinal);
            Assert.Equal("Row 4 is a blank line; the booking is skipped.", problems[2]);
            Assert.StartsWith("Row 5 has a quote that does not close on its line", problems[3], StringComparison.Ordinal);

            // Bytes that are not UTF-8 cost their line only (each line is decoded alone); checked in this process, as the
            // runner writes text.
            byte[] mixed = [.. Encoding.UTF8.GetBytes(lines[0] + "\n"), 0xFF, 0xFE, (byte)'\n', .. Encoding.UTF8.GetBytes(lines[1] + "\n")];
            jit = new StringWriter();
            jitError = new StringWriter();
            Assert.Equal(0, HotelPrediction.RunLines(modelDir, new MemoryStream(mixed), jit, jitError));
            Assert.Equal("Row 1 is not UTF-8 text; the booking is skipped.", jitError.ToString().TrimEnd('\n'));
            Assert.StartsWith("row,probability\n2,", jit.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            NativePublish.Delete(publishDir);
            NativePublish.Delete(modelDir);
        }
    }

    /// <summary>The header and the validation rows of seed 0's split, as the bundled file writes them.</summary>
    private static string[] ValidationLines()
    {
        Table hotel = HotelData.Read(HotelData.BundledPath);
        TrainTestIndices split = TrainTestSplit.Split(hotel.Column(HotelData.Label), HotelData.TrainSize, seed: 0);
        using var file = new GZipStream(File.OpenRead(HotelData.BundledPath), CompressionMode.Decompress);
        using var reader = new StreamReader(file);
        var all = new List<string>();
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            all.Add(line);
        }

        // One line per record (the bundled file quotes nothing), so row r is line r + 1.
        Assert.Equal(hotel.Rows + 1, all.Count);
        return [all[0], .. split.Test.Select(row => all[row + 1])];
    }

    /// <summary>Equal text, reported at the first line that differs rather than as two 600 KB strings.</summary>
    private static void AssertSameLines(string expected, string actual)
    {
        string[] want = expected.Split('\n');
        string[] got = actual.Split('\n');
        for (int i = 0; i < Math.Min(want.Length, got.Length); i++)
        {
            Assert.True(want[i] == got[i], $"Line {i + 1}: the JIT model printed '{want[i]}', the native predictor '{got[i]}'.");
        }

        Assert.Equal(want.Length, got.Length);
    }
}
