using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Tests.Graph;

/// <summary>
/// MCAN's units as layer attributes ([SA], [GA], [SGA], [AttentionReduction]): a model of all four compiles clean, each
/// unit expands into the layers its attribute documents under mca.py's names, a unit called twice shares its weights,
/// cross-attention's FLOPs count its keys, and every misuse is a diagnostic at the call or attribute at fault.
/// </summary>
public sealed class UnitTests
{
    private static string Model(string members, string body) => $$"""
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.SparseCategoricalCrossEntropy)]
        internal partial class Vqa
        {
            [Input(6)] public partial Tensor Question { get; }
            [Input(16, 20)] public partial Tensor Regions { get; }
            [Embedding(30, 8, MaskZero = true)] public partial Layer Embed { get; }
            [Dense(8)] public partial Layer Project { get; }
            {{members}}
            [LayerNorm] public partial Layer Norm { get; }
            [Dense(5, Activation.Softmax)] public partial Layer Classifier { get; }

            [Forward]
            Tensor Forward()
            {
                var y = Embed(Question);
                var x = Project(Regions);
                {{body}}
            }
        }
        """;

    private const string Members = """
        [Repeat(2), SA(2)] public partial Layer[] Encoder { get; }
        [Repeat(2), SGA(2, Hidden = 12)] public partial Layer[] Decoder { get; }
        [GA(4, Dropout = 0)] public partial Layer Guide { get; }
        [AttentionReduction(10)] public partial Layer QuestionReduce { get; }
        [AttentionReduction(10, Glimpses = 2, Hidden = 6, Name = "img_flat")] public partial Layer ImageReduce { get; }
        """;

    private const string Body = """
        foreach (var sa in Encoder) { y = sa(y); }
        foreach (var sga in Decoder) { x = sga(x, y); }
        x = Guide(x, y);
        return Classifier(Norm(QuestionReduce(y) + ImageReduce(x)));
        """;

    [Fact]
    public void UnitModel_CompilesCleanWithMcansNames()
    {
        var (result, output) = GeneratorHarness.Run(Model(Members, Body));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        string code = Code(result);
        foreach (string name in new[]
        {
            "encoder.0.mhatt.in_proj_weight", "encoder.1.ffn.linear1.weight", "encoder.1.norm2.bias",
            "decoder.1.mhatt1.out_proj.bias", "decoder.1.mhatt2.in_proj_weight", "decoder.0.norm3.weight", "guide.mhatt.in_proj_bias",
            "question_reduce.mlp.fc.linear.weight", "question_reduce.mlp.linear.bias", "question_reduce.linear_merge.weight",
            "img_flat.mlp.fc.linear.weight", "img_flat.linear_merge.weight",
        })
        {
            Assert.Contains($"\"{name}\"", code, StringComparison.Ordinal);
        }

        // No extra layers: SA's norm3 or a GA's second attention do not exist.
        Assert.DoesNotContain("\"encoder.0.norm3.weight\"", code, StringComparison.Ordinal);
        Assert.DoesNotContain("\"guide.mhatt2.", code, StringComparison.Ordinal);

        // Hidden = 0 stands for 4 E (32), Hidden = 12 is kept; the reductions' MLPs are E (8) and 6 wide, g = 2 glimpses of 8 merged.
        Assert.Contains("│ encoder.0.ffn (FeedForward)", code, StringComparison.Ordinal);
        Assert.Matches(@"│ encoder\.0\.ffn \(FeedForward\)\s+│ \(None, 6, 8\)\s+│\s+552 │", code);
        Assert.Matches(@"│ decoder\.0\.ffn \(FeedForward\)\s+│ \(None, 16, 8\)\s+│\s+212 │", code);
        Assert.Matches(@"│ img_flat\.mlp\.fc\.linear \(Dense\)\s+│ \(None, 16, 6\)\s+│\s+54 │", code);
        Assert.Matches(@"│ img_flat\.linear_merge \(Dense\)\s+│ \(None, 10\)\s+│\s+170 │", code);

        // The units' own operations are named after the unit: SGA's three residual sums, the reduction's softmax over the 16 regions (3 per score, 2 glimpses).
        Assert.Contains("│ decoder.1.add3 (Add)", code, StringComparison.Ordinal);
        Assert.DoesNotContain("│ decoder.1.add4 (Add)", code, StringComparison.Ordinal);
        Assert.Matches(@"│ img_flat\.softmax \(Softmax\)\s+│ \(None, 16, 2\)\s+│\s+0 │\s+96 │", code);
        Assert.Contains("│ img_flat.weighted_sum (MatMul)", code, StringComparison.Ordinal);
    }

    [Fact]
    public void CrossAttention_CountsTheFlopsOfItsKeys()
    {
        var (result, _) = GeneratorHarness.Run(Model(Members, Body));
        string code = Code(result);

        // guide.mhatt: 16 queries of width 8 over the question's 6 keys, 4 heads of 2:
        // 2*16*8*8 + 16*8 + 2*(2*6*8*8 + 6*8) + 4*(4*16*6)*2 + 3*(4*16*6) + 2*16*8*8 + 16*8 = 10,208.
        Assert.Matches(@"│ guide\.mhatt \(MultiHeadAttention\)\s+│ \(None, 16, 8\)\s+│\s+288 │\s+10,208 │", code);
    }

    [Fact]
    public void UnitCalledTwice_SharesItsWeights()
    {
        var (result, output) = GeneratorHarness.Run(Model("[SA(2)] public partial Layer Shared { get; }\n[AttentionReduction(10)] public partial Layer Reduce { get; }",
            "y = Shared(Shared(y));\nreturn Classifier(Norm(Reduce(y)));"));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        string code = Code(result);
        Assert.Single(code.Split('\n'), line => line.Contains("new(\"shared.mhatt.in_proj_weight\"", StringComparison.Ordinal));
        Assert.Contains("private const int SharedMhattCall2InWeight = SharedMhattInWeight;", code, StringComparison.Ordinal);
        Assert.Contains("private const int SharedFfnCall2Linear2Bias = SharedFfnLinear2Bias;", code, StringComparison.Ordinal);
    }

    [Fact]
    public Task GuidedUnitWithoutItsGuide_NamesWhatItTakes() => VerifyAsync(
        Model("[SGA(2)] public partial Layer Sga { get; }\n[AttentionReduction(10)] public partial Layer Reduce { get; }", "return Classifier(Norm(Reduce({|#0:Sga(x)|})));"),
        DiagnosticDescriptors.GraphArgumentCountError,
        "Layer 'sga' (SGA) takes 2 inputs (X, then the guide Y) but the call passes 1");

    [Fact]
    public Task WidthNotAMultipleOfTheHeads_NamesTheUnitAndTheShape() => VerifyAsync(
        Model("[SA(3)] public partial Layer Sa { get; }\n[AttentionReduction(10)] public partial Layer Reduce { get; }", "return Classifier(Norm(Reduce({|#0:Sa(y)|})));"),
        DiagnosticDescriptors.GraphShapeError,
        "'Sa(y)' in 'Vqa' does not fit: SA unit 'sa' needs X as a sequence (B, T, E) whose width E is a multiple of its 3 heads, but gets (B, 6, 8); project X to a width divisible by 3 with a Dense first, or change the heads");

    [Fact]
    public Task GuideOfAnotherWidth_NamesBothShapes() => VerifyAsync(
        Model("[GA(2)] public partial Layer Ga { get; }\n[AttentionReduction(10)] public partial Layer Reduce { get; }", "return Classifier(Norm(Reduce({|#0:Ga(x, Regions)|})));"),
        DiagnosticDescriptors.GraphShapeError,
        "'Ga(x, Regions)' in 'Vqa' does not fit: GA unit 'ga' needs the guide Y as a sequence (B, S, E) of X's width 8, but gets X (B, 16, 8) and Y (B, 16, 20); project both to one width with a Dense");

    [Fact]
    public Task ReductionOfAFlatVector_AsksForASequence() => VerifyAsync(
        Model("[AttentionReduction(10)] public partial Layer Reduce { get; }", "return Classifier(Norm({|#0:Reduce(Reduce(x))|}));"),
        DiagnosticDescriptors.GraphShapeError,
        "'Reduce(Reduce(x))' in 'Vqa' does not fit: AttentionReduction unit 'reduce' weighs the positions of a sequence (B, T, E), but gets (B, 10); reduce a sequence, such as an SA or GA unit's output");

    [Fact]
    public void ZeroHeads_IsReportedAtTheAttribute()
    {
        var (result, _) = GeneratorHarness.Run(Model("[SA(0)] public partial Layer Sa { get; }\n[AttentionReduction(10)] public partial Layer Reduce { get; }", "return Classifier(Norm(Reduce(Sa(y))));"));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("MG1009", error.Id);
        Assert.Equal("Layer 'sa' (SA) has 0 heads; it must be at least 1", error.GetMessage(CultureInfo.InvariantCulture));
    }

    private static string Code(GeneratorRunResult result) =>
        result.GeneratedSources.Single(source => source.HintName == "Demo.Vqa.g.cs").SourceText.ToString();

    private static Task VerifyAsync(string markedSource, DiagnosticDescriptor descriptor, string message)
    {
        var test = new ModelGenGeneratorTest(markedSource) { TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck };
        test.ExpectedDiagnostics.Add(new DiagnosticResult(descriptor).WithLocation(0).WithMessage(message));
        return test.RunAsync();
    }
}
