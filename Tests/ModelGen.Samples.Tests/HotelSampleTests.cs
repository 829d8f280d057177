using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using ModelGen.Data;
using ModelGen.Kernels;
using ModelGen.Samples.HotelCancellations;

namespace ModelGen.Samples.Tests;

/// <summary>The hotel sample: a one-epoch training run's outputs, the refused seed 7, and the predict command.</summary>
public sealed class HotelSampleTests(HotelModelFixture trained) : IClassFixture<HotelModelFixture>
{
    private const int FeatureCount = 63;
    private const int Seed7FeatureCount = 62;

    // Column positions in the bundled CSV's header.
    private const int LeadTime = 2;
    private const int Month = 4;
    private const int Children = 10;
    private const int MarketSegment = 14;
    private const int ReservedRoomType = 19;

    [Fact]
    public void Train_OneEpoch_WritesModelPreparationHistoryPlotsAndResult()
    {
        Assert.Equal(0, trained.ExitCode);
        Assert.True(new FileInfo(trained.Folder.File("model.safetensors")).Length > 0);
        Assert.Equal(FeatureCount, ColumnTransformer.Load(trained.Folder.File("model.preparation.json")).FeatureCount);
        OutputChecks.AssertHistory(trained.Folder.File("history.csv"), "epoch,loss,binary_accuracy,val_loss,val_binary_accuracy,seconds", 1);
        OutputChecks.AssertPng(trained.Folder.File("loss.png"));
        OutputChecks.AssertPng(trained.Folder.File("accuracy.png"));

        using var result = JsonDocument.Parse(File.ReadAllBytes(trained.Folder.File("result.json")));
        JsonElement root = result.RootElement;
        Assert.Equal(FeatureCount, root.GetProperty("features").GetInt32());
        Assert.Equal(1, root.GetProperty("epochs_run").GetInt32());
        Assert.Equal(1, root.GetProperty("best_epoch").GetInt32());
        double loss = root.GetProperty("best_val_loss").GetDouble();
        double accuracy = root.GetProperty("best_val_binary_accuracy").GetDouble();
        Assert.InRange(loss, double.Epsilon, 10);
        Assert.InRange(accuracy, 0, 1);
        Assert.True(root.GetProperty("prep_seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("train_seconds").GetDouble() > 0);

        // The figures are the history's last (and only) validation line.
        string[] fields = File.ReadAllLines(trained.Folder.File("history.csv"))[1].Split(',');
        Assert.Equal(double.Parse(fields[3], CultureInfo.InvariantCulture), loss);
        Assert.Equal(double.Parse(fields[4], CultureInfo.InvariantCulture), accuracy);
    }

    [Fact]
    public void Train_Seed7_IsRefused_NamingBothFeatureCounts()
    {
        using var folder = new TempFolder();
        var settings = new TrainSettings(Seed: 7, Threads: 1, folder.Path, HotelData.BundledPath, Epochs: 1, Rows: 100);

        var refused = Assert.Throws<InvalidDataException>(() => HotelTraining.Run(settings, TextWriter.Null));

        Assert.Contains($"gives {Seed7FeatureCount} features", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"HotelNet takes {FeatureCount}", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Predict_ScoresGoodRowsAndUnseenCategories_ReportsBadValuesByRowAndColumn()
    {
        using var folder = new TempFolder();
        string[] rows = Bookings(5);
        rows[1] = Replace(rows[1], LeadTime, "abc");
        rows[2] = Replace(Replace(rows[2], MarketSegment, "Metaverse"), ReservedRoomType, "Z");
        rows[3] = Replace(rows[3], Month, "Smarch");
        rows[4] = Replace(rows[4], Children, "NA");
        string input = WriteCsv(folder.File("bookings.csv"), rows);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = HotelPrediction.Run(trained.Folder.Path, input, output, error);

        Assert.Equal(0, exit);
        string[] problems = Lines(error);
        Assert.Equal(2, problems.Length);
        Assert.StartsWith("Row 2, column 'lead_time': 'abc' is not a number", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("Row 4, column 'arrival_date_month': 'Smarch'", problems[1], StringComparison.Ordinal);
        string[] scored = Lines(output);
        Assert.Equal("row,probability", scored[0]);
        Assert.Equal(["1", "3", "5"], scored[1..].Select(line => line.Split(',')[0]));
        Assert.All(scored[1..], line => Assert.InRange(double.Parse(line.Split(',')[1], CultureInfo.InvariantCulture), 0, 1));
    }

    [Fact]
    public void Predict_GivesWhatTheSavedModelAndPreparationGive()
    {
        using var folder = new TempFolder();
        string input = WriteCsv(folder.File("bookings.csv"), Bookings(8));
        var output = new StringWriter();

        Assert.Equal(0, HotelPrediction.Run(trained.Folder.Path, input, output, TextWriter.Null));

        var preparation = ColumnTransformer.Load(trained.Folder.File("model.preparation.json"));
        FeatureMatrix features = preparation.Transform(HotelData.Read(input));
        using var model = new HotelNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1));
        model.Load(trained.Folder.File(HotelTraining.WeightsFile));
        string[] expected = [.. model.Predict(features.Values).Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1},{p:0.000000}"))];
        Assert.Equal(expected, Lines(output)[1..]);
    }

    [Fact]
    public void Predict_NoScorableRow_ExitsWithOne()
    {
        using var folder = new TempFolder();
        string input = WriteCsv(folder.File("bookings.csv"), [.. Bookings(2).Select(row => Replace(row, LeadTime, "soon"))]);
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(1, HotelPrediction.Run(trained.Folder.Path, input, output, error));

        Assert.Empty(output.ToString());
        Assert.Contains("No booking", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_MissingColumn_IsNamed()
    {
        using var folder = new TempFolder();
        string[] lines = [Header().Replace(",adr,", ",price,", StringComparison.Ordinal), .. Bookings(1)];
        string input = folder.File("bookings.csv");
        File.WriteAllLines(input, lines);
        var error = new StringWriter();

        Assert.Equal(1, HotelPrediction.Run(trained.Folder.Path, input, TextWriter.Null, error));

        Assert.Contains("lacks the column 'adr'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_CorruptWeightFile_IsRefusedWithoutScoring()
    {
        using var folder = new TempFolder();
        File.Copy(trained.Folder.File("model.preparation.json"), folder.File("model.preparation.json"));
        File.WriteAllBytes(folder.File(HotelTraining.WeightsFile), File.ReadAllBytes(trained.Folder.File(HotelTraining.WeightsFile))[..1000]);
        string input = WriteCsv(folder.File("bookings.csv"), Bookings(1));
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(1, HotelPrediction.Run(folder.Path, input, output, error));

        Assert.Empty(output.ToString());
        Assert.Contains(HotelTraining.WeightsFile, error.ToString(), StringComparison.Ordinal);
    }

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Header() => ReadLines(1)[0];

    /// <summary>The first <paramref name="count"/> bookings of the bundled data, as CSV lines.</summary>
    private static string[] Bookings(int count) => ReadLines(count + 1)[1..];

    private static string[] ReadLines(int count)
    {
        using var gzip = new GZipStream(File.OpenRead(HotelData.BundledPath), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return [.. Enumerable.Range(0, count).Select(_ => reader.ReadLine()!)];
    }

    private static string Replace(string line, int column, string value)
    {
        string[] fields = line.Split(',');
        fields[column] = value;
        return string.Join(',', fields);
    }

    private static string WriteCsv(string path, string[] rows)
    {
        File.WriteAllLines(path, [Header(), .. rows]);
        return path;
    }
}
