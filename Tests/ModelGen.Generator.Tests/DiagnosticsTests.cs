using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Tests;

/// <summary>One test per diagnostic id: the id, where it is reported (the attribute at fault or the class identifier) and what the message names.</summary>
public sealed class DiagnosticsTests
{
    private static string Model(string attributes, string declaration = "public partial class TestNet;") => $$"""
        using ModelGen;

        namespace Demo;

        {{attributes}}
        {{declaration}}
        """;

    [Fact]
    public void ClassNotPartialError_ClassWithoutPartial() =>
        AssertReported(Model("[Model][Input(3)][Dense(1)]", "public class PlainNet { }"), DiagnosticDescriptors.ClassNotPartialError, "PlainNet", "PlainNet");

    [Fact]
    public void ClassHasBaseClassError_DerivesFromAnotherClass() =>
        AssertReported(Model("[Model][Input(3)][Dense(1)]", "public partial class DerivedNet : System.Exception { }"), DiagnosticDescriptors.ClassHasBaseClassError, "DerivedNet", "System.Exception");

    [Fact]
    public void ClassGenericError_TypeParameter() =>
        AssertReported(Model("[Model][Input(3)][Dense(1)]", "public partial class GenericNet<T> { }"), DiagnosticDescriptors.ClassGenericError, "GenericNet", "GenericNet");

    [Fact]
    public void ClassNestedError_InsideAnotherClass() =>
        AssertReported(Model("", "public partial class Outer { [Model][Input(3)][Dense(1)] public partial class InnerNet { } }"), DiagnosticDescriptors.ClassNestedError, "InnerNet", "Demo.Outer");

    [Fact]
    public void ClassStaticError_StaticClass() =>
        AssertReported(Model("[Model][Input(3)][Dense(1)]", "public static partial class StaticNet { }"), DiagnosticDescriptors.ClassStaticError, "StaticNet", "StaticNet");

    [Fact]
    public void InputMissingError_NoInputAttribute() =>
        AssertReported(Model("[Model][Dense(1)]"), DiagnosticDescriptors.InputMissingError, "TestNet", "TestNet");

    [Fact]
    public void LayerBeforeInputError_DenseBeforeInput() =>
        AssertReported(Model("[Model][Dense(4)]\n[Input(3)][Dense(1)]"), DiagnosticDescriptors.LayerBeforeInputError, "Dense(4)", "dense0");

    [Fact]
    public void InputDuplicateError_SecondInput() =>
        AssertReported(Model("[Model][Input(3)][Dense(2)][Input(5)]"), DiagnosticDescriptors.InputDuplicateError, "Input(5)", "(5)", "(3)");

    [Fact]
    public void NoLayersError_OnlyInput() =>
        AssertReported(Model("[Model][Input(3)]"), DiagnosticDescriptors.NoLayersError, "TestNet", "TestNet", "(3)");

    [Fact]
    public void InputDimensionNotPositiveError_ZeroDimension() =>
        AssertReported(Model("[Model][Input(4, 0)][Dense(1)]"), DiagnosticDescriptors.InputDimensionNotPositiveError, "Input(4, 0)", "(4, 0)");

    [Fact]
    public void InputDimensionNotPositiveError_NoDimension() =>
        AssertReported(Model("[Model][Input][Dense(1)]"), DiagnosticDescriptors.InputDimensionNotPositiveError, "Input]", "()");

    [Fact]
    public void DenseUnitsNotPositiveError_ZeroUnits() =>
        AssertReported(Model("[Model][Input(3)][Dense(0, Activation.ReLU)]"), DiagnosticDescriptors.DenseUnitsNotPositiveError, "Dense(0, Activation.ReLU)", "dense0", "0 units");

    [Fact]
    public void DropoutRateOutOfRangeError_RateOne() =>
        AssertReported(Model("[Model][Input(3)][Dense(4)][Dropout(1.0)][Dense(1)]"), DiagnosticDescriptors.DropoutRateOutOfRangeError, "Dropout(1.0)", "dropout0", "rate 1");

    [Fact]
    public void BatchNormMomentumOutOfRangeError_NegativeMomentum() =>
        AssertReported(Model("[Model][Input(3)][BatchNorm(Momentum = -0.5)][Dense(1)]"), DiagnosticDescriptors.BatchNormMomentumOutOfRangeError, "BatchNorm(Momentum = -0.5)", "norm0", "-0.5");

    [Fact]
    public void BatchNormEpsilonNotPositiveError_ZeroEpsilon() =>
        AssertReported(Model("[Model][Input(3)][BatchNorm(Epsilon = 0, Name = \"bn\")][Dense(1)]"), DiagnosticDescriptors.BatchNormEpsilonNotPositiveError, "BatchNorm(Epsilon = 0, Name = \"bn\")", "'bn'", "epsilon 0");

    [Fact]
    public void LayerNameDuplicateError_SameNameTwice() =>
        AssertReported(Model("[Model][Input(3)][Dense(4, Name = \"fc\")][Dense(1, Name = \"fc\")]"), DiagnosticDescriptors.LayerNameDuplicateError, "Dense(1, Name = \"fc\")", "'fc'");

    [Fact]
    public void LayerNameDuplicateError_NameTakenByDefaultName() =>
        AssertReported(Model("[Model][Input(3)][Dense(4)][Dense(1, Name = \"dense0\")]"), DiagnosticDescriptors.LayerNameDuplicateError, "Dense(1, Name = \"dense0\")", "'dense0'");

    [Fact]
    public void LayerNameInvalidError_NameWithDot() =>
        AssertReported(Model("[Model][Input(3)][Dense(1, Name = \"fc.1\")]"), DiagnosticDescriptors.LayerNameInvalidError, "Dense(1, Name = \"fc.1\")", "'fc.1'");

    [Fact]
    public void EnumValueUnknownError_CastActivation() =>
        AssertReported(Model("[Model][Input(3)][Dense(1, (Activation)9)]"), DiagnosticDescriptors.EnumValueUnknownError, "Dense(1, (Activation)9)", "Activation value 9");

    [Fact]
    public void EnumValueUnknownError_CastLoss() =>
        AssertReported(Model("[Model(Loss = (Loss)42)][Input(3)][Dense(1)]"), DiagnosticDescriptors.EnumValueUnknownError, "Model(Loss = (Loss)42)", "Loss value 42");

    [Fact]
    public void LayerNeedsFlatInputError_DenseAfterImageInput() =>
        AssertReported(Model("[Model][Input(1, 28, 28)]\n[Dense(10)]"), DiagnosticDescriptors.LayerNeedsFlatInputError, "Dense(10)", "dense0", "(B, 1, 28, 28)", "[Flatten]");

    [Fact]
    public void LayerNeedsFlatInputError_SoftmaxAfterDropoutOnImage() =>
        AssertReported(Model("[Model][Input(2, 3)][Dropout(0.1)][Activation(Activation.Softmax)]"), DiagnosticDescriptors.LayerNeedsFlatInputError, "Activation(Activation.Softmax)", "activation0", "(B, 2, 3)");

    [Fact]
    public void LossOutputMismatchError_SoftmaxWithBinaryCrossEntropy() =>
        AssertReported(Model("[Model(Loss = Loss.BinaryCrossEntropy)][Input(3)][Dense(4, Activation.Softmax)]"), DiagnosticDescriptors.LossOutputMismatchError, "Model(Loss = Loss.BinaryCrossEntropy)", "BinaryCrossEntropy", "(B, 4)", "dense0", "CategoricalCrossEntropy");

    [Fact]
    public void LossOutputMismatchError_CategoricalWithOneOutput() =>
        AssertReported(Model("[Model(Loss = Loss.CategoricalCrossEntropy)][Input(3)][Dense(1, Activation.Softmax)]"), DiagnosticDescriptors.LossOutputMismatchError, "Model(Loss = Loss.CategoricalCrossEntropy)", "(B, 1)", "at least 2 classes");

    [Fact]
    public void LossOutputMismatchError_SparseWithoutSoftmax() =>
        AssertReported(Model("[Model(Loss = Loss.SparseCategoricalCrossEntropy)][Input(3)][Dense(5)]"), DiagnosticDescriptors.LossOutputMismatchError, "Model(Loss = Loss.SparseCategoricalCrossEntropy)", "Linear output", "Softmax");

    [Fact]
    public void LossOutputMismatchError_BinaryOnWideLinearOutput() =>
        AssertReported(Model("[Model(Loss = Loss.BinaryCrossEntropy)][Input(3)][Dense(2, Activation.ReLU)]"), DiagnosticDescriptors.LossOutputMismatchError, "Model(Loss = Loss.BinaryCrossEntropy)", "(B, 2)", "Sigmoid");

    [Fact]
    public void LossOutputMismatchError_HingeOnSigmoid() =>
        AssertReported(Model("[Model(Loss = Loss.Hinge)][Input(3)][Dense(1, Activation.Sigmoid)][Dropout(0.5)]"), DiagnosticDescriptors.LossOutputMismatchError, "Model(Loss = Loss.Hinge)", "dropout0", "Sigmoid output");

    [Fact]
    public void ModelTooLargeError_HugeDense() =>
        AssertReported(Model("[Model][Input(100000)][Dense(100000)]"), DiagnosticDescriptors.ModelTooLargeError, "Dense(100000)", "dense0", "parameters");

    [Fact]
    public void ValidModels_ReportNothing()
    {
        foreach (string source in new[] { Models.CancerNet, Models.Classifier, Models.Regression, Models.Standalone, Models.Unfused, Models.TrailingDropout })
        {
            Assert.Empty(GeneratorHarness.Diagnostics(source));
        }
    }

    [Fact]
    public void BinaryCrossEntropy_OnSingleLinearOutput_IsAccepted() =>
        Assert.Empty(GeneratorHarness.Diagnostics(Model("[Model(Loss = Loss.BinaryCrossEntropy)][Input(3)][Dense(1)]")));

    [Fact]
    public void EveryDescriptor_IsAnErrorWithAHelpLink()
    {
        var descriptors = typeof(DiagnosticDescriptors).GetFields().Select(field => (DiagnosticDescriptor)field.GetValue(null)!).ToList();
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(descriptors, d =>
        {
            Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity);
            Assert.Matches("^MG[0-29][0-9]{3}$", d.Id);
            Assert.StartsWith("https://", d.HelpLinkUri, StringComparison.Ordinal);
        });
    }

    private static void AssertReported(string source, DiagnosticDescriptor descriptor, string locatedText, params string[] messageParts)
    {
        var (result, _) = GeneratorHarness.Run(source);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(descriptor.Id, diagnostic.Id);
        Assert.Empty(result.GeneratedSources);

        int start = source.IndexOf(locatedText, StringComparison.Ordinal);
        Assert.True(start >= 0 && start == source.LastIndexOf(locatedText, StringComparison.Ordinal), $"'{locatedText}' must occur once in the source.");
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal("Model.cs", span.Path);
        Assert.Equal(new TextSpan(start, locatedText.TrimEnd(']').Length), diagnostic.Location.SourceSpan);
        var expectedStart = SourceText.From(source).Lines.GetLinePosition(start);
        Assert.Equal(expectedStart, span.StartLinePosition);

        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        Assert.All(messageParts, part => Assert.Contains(part, message, StringComparison.Ordinal));
    }
}
