using System.Globalization;
using System.IO.Compression;
using System.Text;
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
    private const int Year = 3;
    private const int Month = 4;
    private const int WeekNumber = 5;
    private const int DayOfMonth = 6;
    private const int Adults = 9;
    private const int Children = 10;
    private const int MarketSegment = 14;
    private const int RepeatedGuest = 16;
    private const int ReservedRoomType = 19;
    private const int HeaderFields = 32;

    // The most characters a problem line may take: the fixed words plus one cut cell of about 200 characters.
    private const int LongestProblem = 400;

    // The most characters any line on the error writer may take (a loader's message is cut at 1000).
    private const int LongestMessage = 1000;

    [Fact]
    public void Train_OneEpoch_WritesModelPreparationHistoryPlotsAndResult()
    {
        Assert.Equal(0, trained.ExitCode);
        Assert.True(new FileInfo(trained.Folder.File("model.safetensors")).Length > 0);
        Assert.Equal(FeatureCount, ColumnTransformer.Load(trained.Folder.File("model.preparation.json")).FeatureCount);
        OutputChecks.AssertHistory(trained.Folder.File("history.csv"), "epoch,loss,binary_accuracy,precision,recall,auc,val_loss,val_binary_accuracy,val_precision,val_recall,val_auc,seconds", 1);
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
        Assert.Equal(double.Parse(fields[6], CultureInfo.InvariantCulture), loss);
        Assert.Equal(double.Parse(fields[7], CultureInfo.InvariantCulture), accuracy);
        Assert.Equal(double.Parse(fields[8], CultureInfo.InvariantCulture), root.GetProperty("best_val_precision").GetDouble());
        Assert.Equal(double.Parse(fields[9], CultureInfo.InvariantCulture), root.GetProperty("best_val_recall").GetDouble());
        Assert.Equal(double.Parse(fields[10], CultureInfo.InvariantCulture), root.GetProperty("best_val_auc").GetDouble());
        Assert.InRange(root.GetProperty("best_val_auc").GetDouble(), 0.5, 1);
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

    [Theory]
    [InlineData("bookings.csv")]
    [InlineData("bookings.csv.gz")]
    public void Predict_RaggedAndBlankRows_AreReportedAndTheOthersScored(string name)
    {
        using var folder = new TempFolder();
        string[] rows = Bookings(5);
        rows[1] = rows[1][..rows[1].LastIndexOf(',')];
        rows[2] = "\u001b[31m" + new string('x', 500);
        rows[3] = "";
        string input = WriteCsv(folder.File(name), rows);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = HotelPrediction.Run(trained.Folder.Path, input, output, error);

        Assert.Equal(0, exit);
        string[] problems = Lines(error);
        Assert.Equal(3, problems.Length);
        Assert.StartsWith($"Row 2 has {HeaderFields - 1} fields, but the header has {HeaderFields}: 'Resort Hotel,", problems[0], StringComparison.Ordinal);
        Assert.StartsWith($"Row 3 has 1 field, but the header has {HeaderFields}: '\\u001b[31mxxx", problems[1], StringComparison.Ordinal);
        Assert.Contains("\u2026 (505 characters)'; the booking is skipped.", problems[1], StringComparison.Ordinal);
        Assert.Equal("Row 4 is a blank line; the booking is skipped.", problems[2]);
        AssertShownSafely(problems);
        Assert.Equal(["1", "5"], Lines(output)[1..].Select(line => line.Split(',')[0]));
    }

    [Fact]
    public void Predict_CutGzipWithARaggedRow_IsRefusedNotScoredUpToTheCut()
    {
        using var folder = new TempFolder();
        string[] rows = Bookings(300);
        rows[1] = rows[1][..rows[1].LastIndexOf(',')];
        string whole = WriteCsv(folder.File("whole.csv.gz"), rows);
        string input = folder.File("bookings.csv.gz");
        byte[] bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(input, bytes[..(bytes.Length * 9 / 10)]);
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(1, HotelPrediction.Run(trained.Folder.Path, input, output, error));

        Assert.Empty(output.ToString());
        Assert.Contains(input, Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_OutOfRangeMonthsDaysAndCounts_AreRefusedPerRow()
    {
        using var folder = new TempFolder();
        string[] rows = Bookings(9);
        rows = [.. rows.Select(row => Replace(Replace(Replace(row, Year, "2016"), Month, "7"), DayOfMonth, "15"))];
        rows[1] = Replace(rows[1], Month, "13");
        rows[2] = Replace(Replace(rows[2], Month, "4"), DayOfMonth, "31");
        rows[3] = Replace(rows[3], Adults, "-1");
        rows[4] = Replace(rows[4], RepeatedGuest, "2");
        rows[5] = Replace(rows[5], WeekNumber, "54");
        rows[6] = Replace(rows[6], LeadTime, "1.5");
        rows[7] = Replace(Replace(rows[7], Month, "2"), DayOfMonth, "29");
        rows[8] = Replace(Replace(Replace(rows[8], Year, "2015"), Month, "2"), DayOfMonth, "29");
        string input = WriteCsv(folder.File("bookings.csv"), rows);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = HotelPrediction.Run(trained.Folder.Path, input, output, error);

        Assert.Equal(0, exit);
        Assert.Equal(
        [
            "Row 2, column 'arrival_date_month': '13' is not a month (January to December, or 1 to 12); the booking is skipped.",
            "Row 3, column 'arrival_date_day_of_month': '31' is past the end of April (30 days); the booking is skipped.",
            "Row 4, column 'adults': '-1' is not a whole number of at least 0; the booking is skipped.",
            "Row 5, column 'is_repeated_guest': '2' is not a whole number from 0 to 1; the booking is skipped.",
            "Row 6, column 'arrival_date_week_number': '54' is not a whole number from 1 to 53; the booking is skipped.",
            "Row 7, column 'lead_time': '1.5' is not a whole number of at least 0; the booking is skipped.",
            "Row 9, column 'arrival_date_day_of_month': '29' is past the end of February (28 days); the booking is skipped.",
        ], Lines(error));
        Assert.Equal(["1", "8"], Lines(output)[1..].Select(line => line.Split(',')[0]));
    }

    [Fact]
    public void Predict_EmptyMonth_IsReportedAsEmpty_EmptyNumberIsImputed()
    {
        using var folder = new TempFolder();
        string[] rows = Bookings(3);
        rows[1] = Replace(rows[1], Month, "");
        rows[2] = Replace(rows[2], LeadTime, "");
        string input = WriteCsv(folder.File("bookings.csv"), rows);
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(0, HotelPrediction.Run(trained.Folder.Path, input, output, error));

        Assert.Equal(["Row 2, column 'arrival_date_month': the empty cell is not a month (January to December, or 1 to 12); the booking is skipped."], Lines(error));
        Assert.Equal(["1", "3"], Lines(output)[1..].Select(line => line.Split(',')[0]));
    }

    [Fact]
    public void Predict_CellText_IsShownEscapedAndCut()
    {
        using var folder = new TempFolder();
        string[] rows = Bookings(2);
        rows[1] = Replace(rows[1], LeadTime, "\u001b[2J\u202e" + new string('9', 300) + "x");
        string input = WriteCsv(folder.File("bookings.csv"), rows);
        var error = new StringWriter();

        Assert.Equal(0, HotelPrediction.Run(trained.Folder.Path, input, TextWriter.Null, error));

        string problem = Assert.Single(Lines(error));
        Assert.StartsWith("Row 2, column 'lead_time': '\\u001b[2J\\u202e999", problem, StringComparison.Ordinal);
        Assert.EndsWith("\u2026 (306 characters)' is not a number; the booking is skipped.", problem, StringComparison.Ordinal);
        AssertShownSafely([problem]);
    }

    [Fact]
    public void Predict_UnclosedQuote_RefusesTheFileNamingTheLine()
    {
        using var folder = new TempFolder();
        string[] rows = Bookings(3);
        rows[1] = "\"" + rows[1];
        string input = WriteCsv(folder.File("bookings.csv"), rows);
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(1, HotelPrediction.Run(trained.Folder.Path, input, output, error));

        Assert.Empty(output.ToString());
        string message = Assert.Single(Lines(error));
        Assert.StartsWith($"{input}, line 3: a quote opens and never closes", message, StringComparison.Ordinal);
        AssertShownSafely([message]);
    }

    [Fact]
    public void Predict_FolderAsInput_IsReportedAsAFolder()
    {
        using var folder = new TempFolder();
        var error = new StringWriter();

        Assert.Equal(1, HotelPrediction.Run(trained.Folder.Path, folder.Path, TextWriter.Null, error));

        Assert.Equal($"{folder.Path} is a folder, not a file.", error.ToString().Trim());
    }

    [Fact]
    public void Predict_EmptyFileOrDevice_IsRefusedAtOnce()
    {
        using var folder = new TempFolder();
        string empty = folder.File("bookings.csv");
        File.WriteAllBytes(empty, []);
        foreach (string input in File.Exists("/dev/zero") ? [empty, "/dev/zero"] : new[] { empty })
        {
            var error = new StringWriter();

            Assert.Equal(1, HotelPrediction.Run(trained.Folder.Path, input, TextWriter.Null, error));

            Assert.Equal($"{input} is empty or not a regular file (a pipe or a device).", error.ToString().Trim());
        }
    }

    /// <summary>
    /// Damaged bookings files (bytes changed, inserted, dropped, repeated, the end cut; a fifth gzipped, some of those
    /// cut or damaged after compression): the command always ends with 0 and some scores, or 1 and none, never with an
    /// exception, and every line it writes on the error writer is escaped and bounded.
    /// </summary>
    [Fact]
    public void Predict_DamagedFiles_EndWithAnExitCodeAndSafeMessages()
    {
        const int Files = 300;
        var random = new Random(42);
        using var folder = new TempFolder();
        byte[] original = Encoding.UTF8.GetBytes(string.Join('\n', [Header(), .. Bookings(6)]) + "\n");
        int headerLength = Header().Length;
        for (int i = 0; i < Files; i++)
        {
            byte[] bytes = Damage(original, headerLength, random);
            bool gzip = i % 5 == 0;
            if (gzip)
            {
                bytes = Gzip(bytes);
                bytes = random.Next(3) switch
                {
                    0 => bytes[..random.Next(bytes.Length)],
                    1 => Damage(bytes, 10, random),
                    _ => bytes,
                };
            }

            string input = folder.File($"damaged{i}.csv{(gzip ? ".gz" : "")}");
            File.WriteAllBytes(input, bytes);
            var output = new StringWriter();
            var error = new StringWriter();

            int exit;
            try
            {
                exit = HotelPrediction.Run(trained.Folder.Path, input, output, error);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{input} ({Convert.ToBase64String(bytes)}) threw {e}");
            }

            Assert.True(exit is 0 or 1, $"{input}: exit {exit}");
            Assert.Equal(exit == 0, Lines(output).Length > 1);
            AssertShownSafely(Lines(error), LongestMessage);
        }
    }

    /// <summary>One to four random edits, mostly after the header's first <paramref name="keep"/> bytes.</summary>
    private static byte[] Damage(byte[] original, int keep, Random random)
    {
        byte[] alphabet = [(byte)'"', (byte)',', (byte)'\n', (byte)'\r', (byte)';', (byte)'\t', 0x1b, 0, (byte)'1', (byte)'-', (byte)'x', 0xff, 0xc3, 0xe2, 0x80, 0xae];
        var bytes = new List<byte>(original);
        for (int edits = random.Next(1, 5); edits > 0 && bytes.Count > 0; edits--)
        {
            int at = random.Next(4) == 0 || bytes.Count <= keep ? random.Next(bytes.Count) : random.Next(keep, bytes.Count);
            int length = Math.Min(random.Next(1, 60), bytes.Count - at);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = alphabet[random.Next(alphabet.Length)];
                    break;
                case 1:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 20)).Select(_ => alphabet[random.Next(alphabet.Length)]));
                    break;
                case 2:
                    bytes.RemoveRange(at, length);
                    break;
                case 3:
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return compressed.ToArray();
    }

    /// <summary>No control or format character reaches the terminal, and no line is longer than <paramref name="limit"/>.</summary>
    private static void AssertShownSafely(IEnumerable<string> lines, int limit = LongestProblem) =>
        Assert.All(lines, line =>
        {
            Assert.DoesNotContain(line, c => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format);
            Assert.InRange(line.Length, 1, limit);
        });

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

    /// <summary>Writes the header and <paramref name="rows"/>, gzipped when the name ends in ".gz".</summary>
    private static string WriteCsv(string path, string[] rows)
    {
        string text = string.Join('\n', [Header(), .. rows]) + "\n";
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
        {
            File.WriteAllText(path, text);
            return path;
        }

        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
        return path;
    }
}
