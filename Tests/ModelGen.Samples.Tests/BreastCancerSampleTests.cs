using ModelGen.Samples.BreastCancer;

namespace ModelGen.Samples.Tests;

/// <summary>The breast-cancer sample trains two epochs, saves, reloads and checks its own predictions.</summary>
public sealed class BreastCancerSampleTests
{
    private const int Epochs = 2;

    [Fact]
    public void TwoEpochs_WriteWeightsAndHistory_AndReloadIdentically()
    {
        using var folder = new TempFolder();

        int exit = SampleRunner.Run(typeof(CancerNet).Assembly, "--epochs", $"{Epochs}", "--threads", "1", "--out", folder.Path);

        Assert.Equal(0, exit);
        Assert.True(new FileInfo(folder.File("cancer.safetensors")).Length > 0);
        OutputChecks.AssertHistory(folder.File("history.csv"), "epoch,loss,binary_accuracy,val_loss,val_binary_accuracy,seconds", Epochs);
    }
}
