namespace ModelGen.Generator.Tests;

/// <summary>
/// The compile-time summary of recurrent models: each layer's Keras output shape, parameter count and FLOPs per sample,
/// worked by hand from PyTorch's tensor shapes (G = gates * H) and the per-step count of RecurrentKind: both products
/// 2 G (F + H), both biases 2 G, and the cell's elementwise work per unit (SimpleRNN 1, LSTM 9, GRU 8), times T.
/// </summary>
public sealed class RecurrentSummaryTests
{
    [Fact]
    public void MaskedEmbeddingLstmGru_SummaryShowsShapesParametersAndFlops()
    {
        var rows = SummaryRows(Models.Recurrent, out string summary);

        Assert.StartsWith("Model: \"Reviews\"", summary, StringComparison.Ordinal);
        Assert.Equal(
        [
            // A lookup: the (50, 8) table, no arithmetic.
            ["embedding0 (Embedding)", "(None, 12, 8)", "400", "0"],

            // G = 64: 64 (8 + 16) + 2 * 64 = 1,664 parameters; 12 steps of 2 * 64 * 24 + 128 + 9 * 16 = 3,344.
            ["lstm0 (LSTM)", "(None, 12, 16)", "1,664", "40,128"],

            // G = 24: 24 (16 + 8) + 2 * 24 = 624 parameters; 12 steps of 2 * 24 * 24 + 48 + 8 * 8 = 1,264.
            ["gru0 (GRU)", "(None, 8)", "624", "15,168"],

            // The last state into one sigmoid unit: 2 * 8 + 1 + 1.
            ["dense0 (Dense)", "(None, 1)", "9", "18"],
        ], rows);
        Assert.Contains("Total params: 2,697 (10.54 KB)", summary.Split('\n'));
        Assert.Contains("Trainable params: 2,697 (10.54 KB)", summary.Split('\n'));
    }

    [Fact]
    public void ReluSimpleRnnSequenceWithDenseAtEveryStep_SummaryShowsShapesParametersAndFlops()
    {
        var rows = SummaryRows(Models.SequenceToSequence, out string summary);

        Assert.Equal(
        [
            // G = 6: 6 (3 + 6) + 2 * 6 = 66 parameters; 10 steps of 2 * 6 * 9 + 12 + 6 = 126.
            ["rnn (SimpleRNN)", "(None, 10, 6)", "66", "1,260"],

            // The same dense layer at each of the 10 steps: 10 * (2 * 6 * 2 + 2).
            ["dense0 (Dense)", "(None, 10, 2)", "14", "260"],
        ], rows);
        Assert.Contains("Total params: 80 (320.00 B)", summary.Split('\n'));
    }

    /// <summary>The SummaryText constant of the generated file, and its layer rows split into trimmed cells.</summary>
    private static List<string[]> SummaryRows(string source, out string summary)
    {
        string generated = GeneratorHarness.GeneratedText(source);
        const string Start = "public const string SummaryText = \"\"\"";
        int start = generated.IndexOf(Start, StringComparison.Ordinal);
        Assert.True(start >= 0, "no SummaryText in the generated file");
        start += Start.Length;
        int end = generated.IndexOf("\"\"\";", start, StringComparison.Ordinal);
        summary = string.Join("\n", generated[start..end].Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));

        // Data rows start with the light bar; the header row uses the heavy one.
        return [.. summary.Split('\n')
            .Where(line => line.StartsWith('│'))
            .Select(line => line.Trim('│').Split('│').Select(cell => cell.Trim()).ToArray())];
    }
}
