namespace ModelGen.Generator.Tests;

/// <summary>Every prefix of a model's attribute lists, as an editor sees it while typing: the generator must never throw.</summary>
public sealed class MalformedAttributeTests
{
    private const string Attributes = """
        [Model(Loss = Loss.BinaryCrossEntropy)]
        [Input(30, 2)]
        [Dense(64, Activation.ReLU, Name = "hidden")]
        [BatchNorm(Momentum = 0.9, Epsilon = 1e-5), Dropout(0.2)]
        [Activation(Activation.Tanh)]
        [Dense(1, Activation.Sigmoid)]
        """;

    [Fact]
    public void EveryPrefix_RunsWithoutException()
    {
        for (int length = 0; length <= Attributes.Length; length++)
        {
            string source = "using ModelGen;\nnamespace Demo;\n" + Attributes.Substring(0, length) + "\npublic partial class TypingNet;\n";
            // Run asserts that the generator reported no exception.
            var (result, _) = GeneratorHarness.Run(source);
            Assert.All(result.Diagnostics, diagnostic => Assert.StartsWith("MG", diagnostic.Id, StringComparison.Ordinal));
        }
    }
}
