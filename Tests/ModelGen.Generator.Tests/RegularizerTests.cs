using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Tests;

/// <summary>
/// L1 and L2 regularisers declared on layer attributes: each factor reaches the tensors of its role (kernel, recurrent
/// weight, bias; an embedding's table) in the generated layout and nothing else, graph models alike; a negative or
/// non-finite factor is MG1017 at the attribute.
/// </summary>
public sealed class RegularizerTests
{
    private static string Model(string attributes) => $$"""
        using ModelGen;

        namespace Demo;

        {{attributes}}
        internal partial class TestNet;
        """;

    [Fact]
    public void DenseKernelAndBiasFactors_ReachTheirTensorsOnly()
    {
        string text = GeneratorHarness.GeneratedText(Model(
            "[Model(Loss = Loss.MeanSquaredError)][Input(3)][Dense(4, KernelL2 = 0.01f, BiasL1 = 0.5f)][Dense(1)]"));
        Assert.Contains("new(\"dense0.weight\", Dense0Weight, [4, 3], true, global::ModelGen.ParameterInit.GlorotUniform, 3, 4) { L1 = 0f, L2 = 0.01f },", text, StringComparison.Ordinal);
        Assert.Contains("new(\"dense0.bias\", Dense0Bias, [4], true, global::ModelGen.ParameterInit.Zeros) { L1 = 0.5f, L2 = 0f },", text, StringComparison.Ordinal);
        Assert.Contains("new(\"dense1.weight\", Dense1Weight, [1, 4], true, global::ModelGen.ParameterInit.GlorotUniform, 4, 1),", text, StringComparison.Ordinal);
        Assert.Matches(@"Dense0Weight = 0; +// dense0.weight \(4, 3\), regularised: l1 0, l2 0.01", text);
    }

    [Fact]
    public void RecurrentFactors_SplitByRole()
    {
        string text = GeneratorHarness.GeneratedText(Model(
            "[Model(Loss = Loss.MeanSquaredError)][Input(5, 2)][LSTM(3, KernelL1 = 0.1f, RecurrentL2 = 0.2f, BiasL2 = 0.3f)][Dense(1)]"));
        Assert.Contains("weight_ih_l0\", Lstm0WeightIh, [12, 2], true, global::ModelGen.ParameterInit.GlorotUniform, 2, 12) { L1 = 0.1f, L2 = 0f },", text, StringComparison.Ordinal);
        Assert.Contains("weight_hh_l0\", Lstm0WeightHh, [12, 3], true, global::ModelGen.ParameterInit.Orthogonal) { L1 = 0f, L2 = 0.2f },", text, StringComparison.Ordinal);
        Assert.Contains("bias_ih_l0\", Lstm0BiasIh, [12], true, global::ModelGen.ParameterInit.ForgetGateOnes, 3, 0) { L1 = 0f, L2 = 0.3f },", text, StringComparison.Ordinal);
        Assert.Contains("bias_hh_l0\", Lstm0BiasHh, [12], true, global::ModelGen.ParameterInit.Zeros) { L1 = 0f, L2 = 0.3f },", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EmbeddingsFactor_IsTheTables()
    {
        string text = GeneratorHarness.GeneratedText(Model(
            "[Model(Loss = Loss.MeanSquaredError)][Input(4)][Embedding(10, 3, EmbeddingsL2 = 0.001f)][Flatten][Dense(1)]"));
        Assert.Contains("new(\"embedding0.weight\", Embedding0Weight, [10, 3], true, global::ModelGen.ParameterInit.RandomUniform) { L1 = 0f, L2 = 0.001f },", text, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphModelLayer_CarriesItsFactors()
    {
        var (result, _) = GeneratorHarness.Run("""
            using ModelGen;

            namespace Demo;

            [Model(Loss = Loss.MeanSquaredError)]
            public partial class Pair
            {
                [Input(3)] public partial Tensor Left { get; }
                [Input(3)] public partial Tensor Right { get; }
                [Dense(2, KernelL1 = 0.25f)] public partial Layer Shared { get; }
                [Dense(1)] public partial Layer Head { get; }

                [Forward]
                Tensor Forward() => Head(Shared(Left) + Shared(Right));
            }
            """);
        Assert.Empty(result.Diagnostics);
        string text = result.GeneratedSources.Single(source => source.HintName == "Demo.Pair.g.cs").SourceText.ToString();
        Assert.Contains("[2, 3], true, global::ModelGen.ParameterInit.GlorotUniform, 3, 2) { L1 = 0.25f, L2 = 0f },", text, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "L1 = 0.25f"));
    }

    [Fact]
    public void NoFactors_LeaveTheLayoutAsBefore()
    {
        string text = GeneratorHarness.GeneratedText(Model("[Model(Loss = Loss.MeanSquaredError)][Input(3)][Dense(1)]"));
        Assert.DoesNotContain("L1 =", text, StringComparison.Ordinal);
        Assert.DoesNotContain("regularised", text, StringComparison.Ordinal);
    }

    [Fact]
    public Task RegularizerOutOfRangeError_NegativeKernelL2() => VerifyAsync(
        Model("[Model][Input(3)][{|#0:Dense(4, KernelL2 = -0.01f, Name = \"hidden\")|}][Dense(1)]"),
        "Layer 'hidden' (Dense) has KernelL2 = -0.01; a regulariser factor must be finite and not negative, as KernelL2 = 0.01f (Keras' regularizers.L2(0.01))");

    [Fact]
    public Task RegularizerOutOfRangeError_NaNRecurrentL1() => VerifyAsync(
        Model("[Model][Input(5, 2)][{|#0:GRU(3, RecurrentL1 = float.NaN)|}][Dense(1)]"),
        "Layer 'gru0' (GRU) has RecurrentL1 = NaN; a regulariser factor must be finite and not negative, as KernelL2 = 0.01f (Keras' regularizers.L2(0.01))");

    private static Task VerifyAsync(string markedSource, string message)
    {
        var test = new ModelGenGeneratorTest(markedSource);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.RegularizerOutOfRangeError).WithLocation(0).WithMessage(message));
        return test.RunAsync();
    }
}
