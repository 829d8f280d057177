using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Layers.MultiHeadAttention;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The attention family's diagnostics, one test per case as DiagnosticsTests does them (id, exact span, full message,
/// nothing else reported or generated); the two-input attention check called on the kind directly, as the graph
/// compiler will; the summary of an encoder block worked by hand; and generated code that compiles cleanly.
/// </summary>
public sealed class AttentionDiagnosticsTests
{
    private static string Model(string attributes, string declaration = "internal partial class TestNet;") => $$"""
        using ModelGen;

        namespace Demo;

        {{attributes}}
        {{declaration}}
        """;

    private const string Encoder = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(10)]
        [Embedding(100, 16, MaskZero = true)]
        [PositionEmbedding(10)]
        [MultiHeadAttention(4)]
        [LayerNorm]
        [FeedForward(32, Activation = Activation.Gelu)]
        [Dense(1)]
        public partial class Encoder;
        """;

    private const string CrossHeads = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(6, 5)]
        [MultiHeadAttention(2, KeyDim = 3, Dropout = 0.1, Name = "attention")]
        [LayerNorm(Epsilon = 1e-5)]
        [FeedForward(4, Activation = Activation.Tanh)]
        [Dense(3, Activation.Gelu)]
        [FeedForward(6, Activation = Activation.Linear)]
        public partial class Odd;
        """;

    [Fact]
    public Task InnerDropoutOutOfRangeError_FeedForward() => VerifyAsync(
        Model("[Model][Input(3)][{|#0:FeedForward(4, Dropout = 1.0, Name = \"ffn\")|}][Dense(1)]"),
        DiagnosticDescriptors.InnerDropoutOutOfRangeError,
        "Layer 'ffn' (FeedForward) has dropout 1; the rate must lie in [0, 1)");

    [Fact]
    public Task LayerNormEpsilonNotPositiveError_ZeroEpsilon() => VerifyAsync(
        Model("[Model][Input(3)][{|#0:LayerNorm(Epsilon = 0, Name = \"ln\")|}][Dense(1)]"),
        DiagnosticDescriptors.LayerNormEpsilonNotPositiveError,
        "Layer 'ln' (LayerNorm) has epsilon 0; epsilon must be positive, as Keras' 1e-3");

    [Fact]
    public Task AttentionHeadsNotPositiveError_ZeroHeads() => VerifyAsync(
        Model("[Model][Input(4, 8)][{|#0:MultiHeadAttention(0)|}][Dense(1)]"),
        DiagnosticDescriptors.AttentionHeadsNotPositiveError,
        "Layer 'multi_head_attention0' (MultiHeadAttention) has 0 heads; it needs at least 1, as [MultiHeadAttention(8)]");

    [Fact]
    public Task AttentionKeyDimNotPositiveError_ZeroKeyDim() => VerifyAsync(
        Model("[Model][Input(4, 8)][{|#0:MultiHeadAttention(2, KeyDim = 0)|}][Dense(1)]"),
        DiagnosticDescriptors.AttentionKeyDimNotPositiveError,
        "Layer 'multi_head_attention0' (MultiHeadAttention) has KeyDim 0; it must be at least 1, or left out to use the input width divided by the heads");

    [Fact]
    public Task AttentionDropoutOutOfRangeError_RateOne() => VerifyAsync(
        Model("[Model][Input(4, 8)][{|#0:MultiHeadAttention(2, Dropout = 1)|}][Dense(1)]"),
        DiagnosticDescriptors.AttentionDropoutOutOfRangeError,
        "Layer 'multi_head_attention0' (MultiHeadAttention) has dropout 1; the rate must lie in [0, 1)");

    [Fact]
    public Task GeluNotSupportedError_StandaloneActivation() => VerifyAsync(
        Model("[Model][Input(3)][Dense(2)][{|#0:Activation(Activation.Gelu)|}]"),
        DiagnosticDescriptors.GeluNotSupportedError,
        "Activation.Gelu is applied only by [Dense] and [FeedForward]; use one of them, or another activation here");

    [Fact]
    public Task GeluNotSupportedError_Conv2D() => VerifyAsync(
        Model("[Model][Input(1, 4, 4)][{|#0:Conv2D(2, 3, Activation = Activation.Gelu)|}][Flatten][Dense(1)]"),
        DiagnosticDescriptors.GeluNotSupportedError,
        "Activation.Gelu is applied only by [Dense] and [FeedForward]; use one of them, or another activation here");

    [Fact]
    public Task AttentionHeadsDoNotDivideError_ThreeHeadsOnWidthEight() => VerifyAsync(
        Model("[Model][Input(4, 8)][{|#0:MultiHeadAttention(3)|}][Dense(1)]"),
        DiagnosticDescriptors.AttentionHeadsDoNotDivideError,
        "Layer 'multi_head_attention0' (MultiHeadAttention) has 3 heads, which do not divide the width 8 of its input (B, 4, 8); use a number of heads that divides 8 (as 2), or set KeyDim");

    [Fact]
    public void AttentionHeadsDoNotDivideError_KeyDimGiven_IsAccepted() =>
        Assert.Empty(GeneratorHarness.Diagnostics(Model("[Model][Input(4, 8)][MultiHeadAttention(3, KeyDim = 5)][Dense(1)]")));

    [Fact]
    public Task LayerNeedsSequenceError_AttentionOnFlatInput() => VerifyAsync(
        Model("[Model][Input(8)][{|#0:MultiHeadAttention(2)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsSequenceError,
        "Layer 'multi_head_attention0' (MultiHeadAttention) expects a sequence (B, T, F) but gets (B, 8); attention relates the steps of a sequence; declare the input as [Input(steps, features)], or start with an [Embedding] over [Input(steps)] token ids");

    [Fact]
    public Task LayerNeedsSequenceError_AttentionOnMaps() => VerifyAsync(
        Model("[Model][Input(1, 4, 4)][{|#0:MultiHeadAttention(2)|}][Flatten][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsSequenceError,
        "Layer 'multi_head_attention0' (MultiHeadAttention) expects a sequence (B, T, F) but gets (B, 1, 4, 4); attention relates the steps of a sequence, not the pixels of feature maps; declare the input as [Input(steps, features)]");

    [Fact]
    public Task LayerNeedsSequenceError_PositionEmbeddingOnFlatInput() => VerifyAsync(
        Model("[Model][Input(8)][{|#0:PositionEmbedding(8)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsSequenceError,
        "Layer 'position_embedding0' (PositionEmbedding) expects a sequence (B, T, F) but gets (B, 8); start with an [Embedding] over [Input(steps)] token ids, or declare the input as [Input(steps, features)]");

    [Fact]
    public Task PositionEmbeddingLengthMismatchError_TableShorterThanSequence() => VerifyAsync(
        Model("[Model][Input(12)][Embedding(20, 4)][{|#0:PositionEmbedding(10)|}][Dense(1)]"),
        DiagnosticDescriptors.PositionEmbeddingLengthMismatchError,
        "Layer 'position_embedding0' (PositionEmbedding) has 10 positions but its input (B, 12, 4) has 12 steps; declare it as [PositionEmbedding(12)]");

    [Fact]
    public Task LayerArgumentNotPositiveError_PositionEmbeddingZeroLength() => VerifyAsync(
        Model("[Model][Input(3, 4)][{|#0:PositionEmbedding(0)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerArgumentNotPositiveError,
        "Layer 'position_embedding0' (PositionEmbedding) has 0 length; it must be at least 1");

    [Fact]
    public Task LayerArgumentNotPositiveError_FeedForwardZeroHidden() => VerifyAsync(
        Model("[Model][Input(3, 4)][{|#0:FeedForward(0)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerArgumentNotPositiveError,
        "Layer 'feed_forward0' (FeedForward) has 0 hidden units; it must be at least 1");

    [Fact]
    public Task ActivationNotSupportedError_FeedForwardSoftmax() => VerifyAsync(
        Model("[Model][Input(3, 4)][{|#0:FeedForward(8, Activation = Activation.Softmax)|}][Dense(1)]"),
        DiagnosticDescriptors.ActivationNotSupportedError,
        "Layer 'feed_forward0' (FeedForward) cannot apply Softmax: its activation acts on each hidden unit alone; use ReLU, Gelu, Tanh, Sigmoid or Linear");

    [Fact]
    public Task LayerNeedsFlatInputError_FeedForwardOnMaps() => VerifyAsync(
        Model("[Model][Input(1, 4, 4)][{|#0:FeedForward(8)|}][Flatten][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsFlatInputError,
        "Layer 'feed_forward0' (FeedForward) expects a 1-D input (B, F) but gets (B, 1, 4, 4); insert [Flatten] before it");

    [Fact]
    public void AttentionInputsMismatchError_KeysOfAnotherWidth()
    {
        var diagnostics = CrossCheck(Sequence(5, 8), Sequence(7, 6));
        var only = Assert.Single(diagnostics);
        Assert.Equal("MG2010", only.Id);
        Assert.Equal(
            "Layer 'cross' (MultiHeadAttention) takes queries (B, 5, 8) and keys and values (B, 7, 6); one in_proj_weight projects both, so the keys and values need the queries' width 8; project them first, as a [Dense(8)] layer",
            only.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AttentionInputsMismatchError_KeysNotASequence()
    {
        var diagnostics = CrossCheck(Sequence(5, 8), Shape.Vector(8));
        var only = Assert.Single(diagnostics);
        Assert.Equal("MG2010", only.Id);
        Assert.Equal(
            "Layer 'cross' (MultiHeadAttention) takes queries (B, 5, 8) and keys and values (B, 8); the keys and values must be a sequence (B, S, F) as well",
            only.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AttentionInputsMismatchError_KeysOfOtherLength_AreAccepted()
    {
        Assert.Empty(CrossCheck(Sequence(5, 8), Sequence(11, 8)));
        Assert.Equal(2, MultiHeadAttentionLayer.Instance.MaxArguments);
    }

    [Fact]
    public void EncoderBlock_SummaryShowsShapesParametersAndFlops()
    {
        var rows = SummaryRows(Encoder, out string summary);
        Assert.Equal(
        [
            // A lookup: the (100, 16) table, no arithmetic.
            ["embedding0 (Embedding)", "(None, 10, 16)", "1,600", "0"],

            // The (10, 16) table, one add per element.
            ["position_embedding0 (PositionEmbedding)", "(None, 10, 16)", "160", "160"],

            // E = D = 16, 4 heads of 4: 3 * 16 * 16 + 48 + 16 * 16 + 16 = 1,088 parameters; in projection
            // 2 * 10 * 16 * 48 + 480, scores and context 4 * (4 * 10 * 10) * 4, softmax 3 * 400, out projection
            // 2 * 10 * 16 * 16 + 160.
            ["multi_head_attention0 (MultiHeadAttention)", "(None, 10, 16)", "1,088", "28,720"],

            // Gamma and beta; 7 per element and a square root per row.
            ["layer_norm0 (LayerNorm)", "(None, 10, 16)", "32", "1,130"],

            // 2 * 32 * 16 + 32 + 16 parameters; per step 4 * 16 * 32 + 32 + 16 and one GELU per hidden unit.
            ["feed_forward0 (FeedForward)", "(None, 10, 16)", "1,072", "21,280"],

            // The same dense layer at each of the 10 steps: 10 * (2 * 16 + 1).
            ["dense0 (Dense)", "(None, 10, 1)", "17", "330"],
        ], rows);
        Assert.Contains("Total params: 3,969 (15.50 KB)", summary.Split('\n'));
    }

    [Fact]
    public void EncoderBlock_GeneratedCodeNamesTheLayersAndTheirShapes()
    {
        string generated = GeneratorHarness.GeneratedText(Encoder);
        Assert.Contains("// multi_head_attention0: MultiHeadAttention(4 heads)  (B, 10, 16) -> (B, 10, 16); self-attention, padded keys masked", generated, StringComparison.Ordinal);
        Assert.Contains("k.AttentionSoftmax(p, Act(Embedding0Mask, 10, batch), p, batch, 4, 10, 10, 0.5f);", generated, StringComparison.Ordinal);
        Assert.Contains("// layer_norm0: LayerNorm  (B, 10, 16) -> (B, 10, 16)", generated, StringComparison.Ordinal);
        Assert.Contains("\"feed_forward0.linear2.weight\"", generated, StringComparison.Ordinal);
        Assert.Contains("k.GeluBackward(", generated, StringComparison.Ordinal);
        // The passes allocate nothing; BuildOnnx, after them, runs once per export.
        int passes = generated.IndexOf("protected override void Forward", StringComparison.Ordinal);
        Assert.DoesNotContain("new ", generated[passes..generated.IndexOf("protected override string BuildOnnx", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Encoder)]
    [InlineData(CrossHeads)]
    public void GeneratedCode_CompilesAgainstTheRuntime(string source)
    {
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        var found = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    private static Shape Sequence(int steps, int width) => new(EquatableArray.From(new[] { steps, width }));

    private static List<Diagnostic> CrossCheck(Shape queries, Shape keys)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var spec = new MultiHeadAttentionSpec("cross", 2, 0, 0);
        var output = MultiHeadAttentionLayer.Instance.InferShape(spec, queries, [keys], null, diagnostics);
        Assert.Equal(diagnostics.Count == 0, output is not null);
        return [.. diagnostics.Select(d => d.ToDiagnostic())];
    }

    /// <summary>The SummaryText constant of the generated file, and its layer rows split into trimmed cells.</summary>
    private static List<string[]> SummaryRows(string source, out string summary)
    {
        string generated = GeneratorHarness.GeneratedText(source);
        const string Start = "public const string SummaryText = \"\"\"";
        int start = generated.IndexOf(Start, StringComparison.Ordinal) + Start.Length;
        int end = generated.IndexOf("\"\"\";", start, StringComparison.Ordinal);
        summary = string.Join("\n", generated[start..end].Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));
        return [.. summary.Split('\n')
            .Where(line => line.StartsWith('│'))
            .Select(line => line.Trim('│').Split('│').Select(cell => cell.Trim()).ToArray())];
    }

    private static Task VerifyAsync(string markedSource, DiagnosticDescriptor descriptor, string message)
    {
        var test = new ModelGenGeneratorTest(markedSource);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(descriptor).WithLocation(0).WithMessage(message));
        return test.RunAsync();
    }
}
