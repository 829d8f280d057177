using System.Text.Json;
using ModelGen.Samples.FashionMnist;

namespace ModelGen.Samples.Tests;

/// <summary>The Fashion-MNIST sample: one short epoch on part of the bundled test set, and its outputs.</summary>
public sealed class FashionMnistSampleTests
{
    private const int Limit = 600;
    private const int ValidationImages = 60;

    [Fact]
    public void OneEpoch_OnTheBundledData_WritesModelHistoryPlotsConfusionAndResult()
    {
        using var folder = new TempFolder();

        int exit = SampleRunner.Run(typeof(FashionNet).Assembly,
            "--data", FashionData.BundledFolder, "--limit", $"{Limit}", "--epochs", "1", "--threads", "1", "--seed", "0", "--out", folder.Path);

        Assert.Equal(0, exit);
        Assert.True(new FileInfo(folder.File(FashionTraining.WeightsFile)).Length > 0);
        OutputChecks.AssertHistory(folder.File("history.csv"), "epoch,loss,accuracy,val_loss,val_accuracy,seconds", 1);
        OutputChecks.AssertPng(folder.File("loss.png"));
        OutputChecks.AssertPng(folder.File("accuracy.png"));
        OutputChecks.AssertPng(folder.File("confusion.png"));

        using var result = JsonDocument.Parse(File.ReadAllBytes(folder.File("result.json")));
        JsonElement root = result.RootElement;
        Assert.Equal(
            ["test_accuracy", "test_loss", "epochs_run", "best_epoch", "train_seconds", "seconds_per_epoch", "samples_per_second",
             "train_images", "validation_images", "test_images"],
            root.EnumerateObject().Select(p => p.Name));
        double accuracy = root.GetProperty("test_accuracy").GetDouble();
        Assert.InRange(accuracy, 0, 1);
        Assert.InRange(root.GetProperty("test_loss").GetDouble(), double.Epsilon, 10);
        Assert.Equal(1, root.GetProperty("epochs_run").GetInt32());
        Assert.Equal(1, root.GetProperty("best_epoch").GetInt32());
        Assert.True(root.GetProperty("train_seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("samples_per_second").GetDouble() > 0);
        Assert.Equal(Limit - ValidationImages, root.GetProperty("train_images").GetInt32());
        Assert.Equal(ValidationImages, root.GetProperty("validation_images").GetInt32());
        Assert.Equal(Limit, root.GetProperty("test_images").GetInt32());

        // The confusion matrix names the ten classes, one row each, and counts every test image once.
        string[] lines = File.ReadAllLines(folder.File("confusion.txt"));
        Assert.Equal(1 + 1 + FashionData.ClassNames.Count + 1, lines.Length);
        int counted = 0;
        int diagonal = 0;
        for (int c = 0; c < FashionData.ClassNames.Count; c++)
        {
            string row = lines[2 + c];
            Assert.StartsWith(FashionData.ClassNames[c], row, StringComparison.Ordinal);
            int[] counts = [.. row[FashionData.ClassNames.Max(n => n.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1].Select(int.Parse)];
            Assert.Equal(FashionData.ClassNames.Count, counts.Length);
            counted += counts.Sum();
            diagonal += counts[c];
        }

        Assert.Equal(Limit, counted);
        Assert.Equal(accuracy, (double)diagonal / Limit, 1e-9);
    }

    [Fact]
    public void BundledFolder_HasOnlyTheTestSet_SplitEightToTwoBySeed()
    {
        FashionSource first = FashionData.Load(FashionData.BundledFolder, seed: 3);
        FashionSource again = FashionData.Load(FashionData.BundledFolder, seed: 3);
        FashionSource other = FashionData.Load(FashionData.BundledFolder, seed: 4);

        Assert.Equal(8000, first.Train.Count);
        Assert.Equal(2000, first.Test.Count);
        Assert.Contains("training on 8,000 of its 10,000 test images, testing on the other 2,000", first.Description, StringComparison.Ordinal);
        Assert.Equal(first.Train.Labels, again.Train.Labels);
        Assert.Equal(first.Test.Pixels, again.Test.Pixels);
        Assert.NotEqual(first.Train.Labels, other.Train.Labels);
        Assert.All(first.Train.Pixels, p => Assert.InRange(p, 0f, 1f));

        // Every class of the 1,000 per class is there in both parts.
        Assert.Equal(10, first.Test.Labels.Distinct().Count());
        Assert.Equal(10, first.Train.Labels.Distinct().Count());
    }
}
