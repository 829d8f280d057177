using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Tests;

/// <summary>
/// Keras' Masking layer ([Masking], [Masking(maskValue)]): compiles clean in a sequential model (its mask read by the
/// recurrent layer after it, its backward only where something below it learns) and in a graph model (a float input
/// masked before MCAN's units, the question masked by its embedding), describes itself with its value, emits the
/// non-finite values as float's constants, and refuses an input that is no sequence with MG2006 at its attribute.
/// </summary>
public sealed class MaskingTests
{
    private static string Sequential(string layers) => $$"""
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError)]
        {{layers}}
        internal partial class Padded;
        """;

    private const string Graph = """
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.SparseCategoricalCrossEntropy)]
        internal partial class Vqa
        {
            [Input(6)] public partial Tensor Question { get; }
            [Input(16, 196)] public partial Tensor Regions { get; }
            [Embedding(30, 8, MaskZero = true)] public partial Layer Embed { get; }
            [Masking] public partial Layer Mask { get; }
            [Dense(8)] public partial Layer Project { get; }
            [SA(2, Hidden = 16)] public partial Layer Encoder { get; }
            [SGA(2, Hidden = 16)] public partial Layer Decoder { get; }
            [AttentionReduction(10)] public partial Layer QuestionReduce { get; }
            [AttentionReduction(10)] public partial Layer ImageReduce { get; }
            [Dense(5, Activation.Softmax)] public partial Layer Classifier { get; }

            [Forward]
            Tensor Forward()
            {
                var y = Encoder(Embed(Question));
                var x = Decoder(Project(Mask(Regions)), y);
                return Classifier(QuestionReduce(y) + ImageReduce(x));
            }
        }
        """;

    [Fact]
    public void Sequential_MaskingBeforeLstm_CompilesCleanAndTheLstmReadsItsMask()
    {
        string generated = CompileClean(Sequential("[Input(5, 3)]\n[Masking]\n[LSTM(4)]\n[Dense(1)]"));

        Assert.Contains("k.Masking(Act(InputSlot, 15, batch), Act(Masking0Out, 15, batch), Act(Masking0Mask, 5, batch), batch, 5, 3, 0f);", generated);
        Assert.Contains("Act(Masking0Mask, 5, batch)", generated[(generated.IndexOf("k.Masking(", StringComparison.Ordinal) + 10)..]);
        Assert.Contains("Masking(0)", generated);

        // Nothing below it learns: no backward step.
        Assert.DoesNotContain("k.MaskingBackward(", generated);
    }

    [Fact]
    public void Sequential_MaskingAfterADense_RunsItsBackwardInPlace()
    {
        string generated = CompileClean(Sequential("[Input(5, 3)]\n[Dense(6)]\n[Masking(-1.5, Name = \"pad\")]\n[GRU(4)]\n[Dense(1)]"));

        Assert.Contains("Masking(-1.5)", generated);
        Assert.Contains(", batch, 5, 6, -1.5f);", generated);
        int backward = generated.IndexOf("k.MaskingBackward(", StringComparison.Ordinal);
        Assert.True(backward > 0, "no MaskingBackward call");
        string call = generated[backward..generated.IndexOf('\n', backward)];
        string[] arguments = call.Split("Act(");
        Assert.Equal(arguments[1], arguments[3].Replace("batch), batch, 5, 6);", "batch), ", StringComparison.Ordinal));
        Assert.Contains("PadMask", call);
    }

    [Theory]
    [InlineData("double.NaN", "float.NaN")]
    [InlineData("double.PositiveInfinity", "float.PositiveInfinity")]
    [InlineData("-1e300", "float.NegativeInfinity")]
    public void NonFiniteMaskValues_AreEmittedAsFloatsConstants(string value, string emitted)
    {
        string generated = CompileClean(Sequential($"[Input(5, 3)]\n[Masking({value})]\n[SimpleRNN(4)]\n[Dense(1)]"));

        Assert.Contains($", batch, 5, 3, {emitted});", generated);
    }

    [Fact]
    public void Graph_FloatRegionsMaskedBeforeMcansUnits_CompileClean()
    {
        string generated = CompileClean(Graph);

        Assert.Contains("k.Masking(Act(RegionsSlot, 3136, batch), Act(MaskOut, 3136, batch), Act(MaskMask, 16, batch), batch, 16, 196, 0f);", generated);

        // The regions' mask reaches the decoder's self-attention softmax (its keys) and the image's reduction.
        Assert.True(generated.Split("Act(MaskMask, 16, batch)").Length >= 3, "the mask is read by no layer after the masking");
    }

    [Fact]
    public Task LayerNeedsSequenceError_MaskingOnFlatInput() => VerifyAsync(
        Sequential("[Input(8)]\n[{|#0:Masking|}]\n[Dense(1)]"),
        "Layer 'masking0' (Masking) expects a sequence (B, T, F) but gets (B, 8); masking marks the padded steps of a sequence of feature vectors; declare the input as [Input(steps, features)] (token ids take [Embedding(..., MaskZero = true)] instead)");

    [Fact]
    public Task LayerNeedsSequenceError_MaskingOnMaps() => VerifyAsync(
        Sequential("[Input(1, 4, 4)]\n[{|#0:Masking(0.5, Name = \"pad\")|}]\n[Flatten]\n[Dense(1)]"),
        "Layer 'pad' (Masking) expects a sequence (B, T, F) but gets (B, 1, 4, 4); masking marks the padded steps of a sequence, not pixels of feature maps; declare the input as [Input(steps, features)]");

    [Fact]
    public void LayerNeedsSequenceError_MaskingOnAFlatGraphInput()
    {
        var diagnostics = GeneratorHarness.Diagnostics(Graph.Replace("[Input(16, 196)]", "[Input(196)]", StringComparison.Ordinal));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("MG2006", diagnostic.Id);
        Assert.Equal(
            "Layer 'mask' (Masking) expects a sequence (B, T, F) but gets (B, 196); masking marks the padded steps of a sequence of feature vectors; declare the input as [Input(steps, features)] (token ids take [Embedding(..., MaskZero = true)] instead)",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Runs the generator; asserts no diagnostic and a compilation without warnings; returns the model's file (a graph model also gets its members' file).</summary>
    private static string CompileClean(string source)
    {
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        var found = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
        return result.GeneratedSources.Single(file => !file.HintName.EndsWith(".Members.g.cs", StringComparison.Ordinal)).SourceText.ToString();
    }

    private static Task VerifyAsync(string markedSource, string message)
    {
        var test = new ModelGenGeneratorTest(markedSource);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.LayerNeedsSequenceError).WithLocation(0).WithMessage(message));
        return test.RunAsync();
    }
}
