using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Tests;

/// <summary>
/// One test per diagnostic id, by Microsoft.CodeAnalysis.Testing: the id, the exact span ({|#0:...|} marks the attribute
/// at fault or the class identifier), the full message, and that nothing else is reported or generated.
/// </summary>
public sealed class DiagnosticsTests
{
    // Internal: an invalid model gets no generated (documented) part, so a public one would draw CS1591.
    private static string Model(string attributes, string declaration = "internal partial class TestNet;") => $$"""
        using ModelGen;

        namespace Demo;

        {{attributes}}
        {{declaration}}
        """;

    [Fact]
    public Task ClassNotPartialError_ClassWithoutPartial() => VerifyAsync(
        Model("[Model][Input(3)][Dense(1)]", "internal class {|#0:PlainNet|} { }"),
        DiagnosticDescriptors.ClassNotPartialError,
        "Model class 'PlainNet' must be partial so that the generator can add its passes");

    [Fact]
    public Task ClassHasBaseClassError_DerivesFromAnotherClass() => VerifyAsync(
        Model("[Model][Input(3)][Dense(1)]", "internal partial class {|#0:DerivedNet|} : System.Exception { }"),
        DiagnosticDescriptors.ClassHasBaseClassError,
        "Model class 'DerivedNet' derives from 'System.Exception', but the generator makes it derive from ModelGen.CompiledModel; remove the base class");

    [Fact]
    public Task ClassGenericError_TypeParameter() => VerifyAsync(
        Model("[Model][Input(3)][Dense(1)]", "internal partial class {|#0:GenericNet|}<T> { }"),
        DiagnosticDescriptors.ClassGenericError,
        "Model class 'GenericNet' is generic; a model's shapes are fixed at compile time, so remove its type parameters");

    [Fact]
    public Task ClassNestedError_InsideAnotherClass() => VerifyAsync(
        Model("", "internal partial class Outer { [Model][Input(3)][Dense(1)] internal partial class {|#0:InnerNet|} { } }"),
        DiagnosticDescriptors.ClassNestedError,
        "Model class 'InnerNet' is nested in 'Demo.Outer'; declare it directly in a namespace");

    [Fact]
    public Task ClassStaticError_StaticClass() => VerifyAsync(
        Model("[Model][Input(3)][Dense(1)]", "internal static partial class {|#0:StaticNet|} { }"),
        DiagnosticDescriptors.ClassStaticError,
        "Model class 'StaticNet' is static, but a model is created with new; remove 'static'");

    [Fact]
    public Task InputMissingError_NoInputAttribute() => VerifyAsync(
        Model("[Model][Dense(1)]", "internal partial class {|#0:TestNet|};"),
        DiagnosticDescriptors.InputMissingError,
        "Model 'TestNet' has no [Input]; declare the shape of one sample first, as [Input(30)]");

    [Fact]
    public Task LayerBeforeInputError_DenseBeforeInput() => VerifyAsync(
        Model("[Model][{|#0:Dense(4)|}]\n[Input(3)][Dense(1)]"),
        DiagnosticDescriptors.LayerBeforeInputError,
        "Layer 'dense0' (Dense) comes before [Input]; [Input] must be the first layer");

    [Fact]
    public Task InputDuplicateError_SecondInput() => VerifyAsync(
        Model("[Model][Input(3)][Dense(2)][{|#0:Input(5)|}]"),
        DiagnosticDescriptors.InputDuplicateError,
        "Model 'TestNet' declares [Input] again as (5) after (3); a sequential model has exactly one input");

    [Fact]
    public Task NoLayersError_OnlyInput() => VerifyAsync(
        Model("[Model][Input(3)]", "internal partial class {|#0:TestNet|};"),
        DiagnosticDescriptors.NoLayersError,
        "Model 'TestNet' has no layer after [Input] (3); add at least one, as [Dense(1)]");

    [Fact]
    public Task LayersWithoutModelWarning_InputAndDense() => VerifyAsync(
        Model("[Input(3)][Dense(1)]", "internal partial class {|#0:TestNet|};"),
        DiagnosticDescriptors.LayersWithoutModelWarning,
        "Class 'TestNet' has layer attributes but no [Model]; add [Model(Loss = ...)] to generate its passes");

    [Fact]
    public Task LayersWithoutModelWarning_LayerWithoutInputOnPlainClass() => VerifyAsync(
        Model("[Flatten][Dense(4)][Dense(1)]", "internal class {|#0:PlainNet|} { }"),
        DiagnosticDescriptors.LayersWithoutModelWarning,
        "Class 'PlainNet' has layer attributes but no [Model]; add [Model(Loss = ...)] to generate its passes");

    [Fact]
    public Task LayersWithoutModelWarning_PartialDeclarations_WarnsOnceAtTheFirstAttribute() => VerifyAsync(
        Model("[LSTM(4)]", "internal partial class {|#0:TestNet|};\n[Input(5, 3)][GRU(2)]\ninternal partial class TestNet;"),
        DiagnosticDescriptors.LayersWithoutModelWarning,
        "Class 'TestNet' has layer attributes but no [Model]; add [Model(Loss = ...)] to generate its passes");

    [Fact]
    public void LayersWithoutModelWarning_ModelOnAnotherPartialDeclaration_IsNotReported()
    {
        string source = Model("[Model][Input(3)][Dense(1)]", "internal partial class TestNet;\n[Dropout(0.5)]\ninternal partial class TestNet;");
        Assert.DoesNotContain(GeneratorHarness.Diagnostics(source), d => d.Id == DiagnosticDescriptors.LayersWithoutModelWarning.Id);
    }

    [Fact]
    public void LayersWithoutModelWarning_OtherAttributesOnly_IsNotReported() =>
        Assert.Empty(GeneratorHarness.Diagnostics(Model("[System.Obsolete][System.Serializable]", "internal partial class TestNet;")));

    [Fact]
    public Task InputDimensionNotPositiveError_ZeroDimension() => VerifyAsync(
        Model("[Model][{|#0:Input(4, 0)|}][Dense(1)]"),
        DiagnosticDescriptors.InputDimensionNotPositiveError,
        "[Input] of model 'TestNet' is (4, 0); it needs at least one dimension and every dimension must be positive");

    [Fact]
    public Task InputDimensionNotPositiveError_NoDimension() => VerifyAsync(
        Model("[Model][{|#0:Input|}][Dense(1)]"),
        DiagnosticDescriptors.InputDimensionNotPositiveError,
        "[Input] of model 'TestNet' is (); it needs at least one dimension and every dimension must be positive");

    [Fact]
    public Task DenseUnitsNotPositiveError_ZeroUnits() => VerifyAsync(
        Model("[Model][Input(3)][{|#0:Dense(0, Activation.ReLU)|}]"),
        DiagnosticDescriptors.DenseUnitsNotPositiveError,
        "Layer 'dense0' (Dense) has 0 units; it needs at least 1");

    [Fact]
    public Task DropoutRateOutOfRangeError_RateOne() => VerifyAsync(
        Model("[Model][Input(3)][Dense(4)][{|#0:Dropout(1.0)|}][Dense(1)]"),
        DiagnosticDescriptors.DropoutRateOutOfRangeError,
        "Layer 'dropout0' (Dropout) has rate 1; the rate must lie in [0, 1)");

    [Fact]
    public Task BatchNormMomentumOutOfRangeError_NegativeMomentum() => VerifyAsync(
        Model("[Model][Input(3)][{|#0:BatchNorm(Momentum = -0.5)|}][Dense(1)]"),
        DiagnosticDescriptors.BatchNormMomentumOutOfRangeError,
        "Layer 'norm0' (BatchNorm) has momentum -0.5; the momentum must lie in [0, 1)");

    [Fact]
    public Task BatchNormEpsilonNotPositiveError_ZeroEpsilon() => VerifyAsync(
        Model("[Model][Input(3)][{|#0:BatchNorm(Epsilon = 0, Name = \"bn\")|}][Dense(1)]"),
        DiagnosticDescriptors.BatchNormEpsilonNotPositiveError,
        "Layer 'bn' (BatchNorm) has epsilon 0; epsilon must be positive");

    [Fact]
    public Task LayerNameDuplicateError_SameNameTwice() => VerifyAsync(
        Model("[Model][Input(3)][Dense(4, Name = \"fc\")][{|#0:Dense(1, Name = \"fc\")|}]"),
        DiagnosticDescriptors.LayerNameDuplicateError,
        "Layer name 'fc' is used by layer 0 (Dense) and layer 1 (Dense); names must be unique in a model");

    [Fact]
    public Task LayerNameDuplicateError_NameTakenByDefaultName() => VerifyAsync(
        Model("[Model][Input(3)][Dense(4)][{|#0:Dense(1, Name = \"dense0\")|}]"),
        DiagnosticDescriptors.LayerNameDuplicateError,
        "Layer name 'dense0' is used by layer 0 (Dense) and layer 1 (Dense); names must be unique in a model");

    [Fact]
    public Task LayerNameInvalidError_NameWithDot() => VerifyAsync(
        Model("[Model][Input(3)][{|#0:Dense(1, Name = \"fc.1\")|}]"),
        DiagnosticDescriptors.LayerNameInvalidError,
        "Layer name 'fc.1' (Dense) is not valid; start with a letter or '_' and use only letters, digits and '_'");

    [Fact]
    public Task EnumValueUnknownError_CastActivation() => VerifyAsync(
        Model("[Model][Input(3)][{|#0:Dense(1, (Activation)9)|}]"),
        DiagnosticDescriptors.EnumValueUnknownError,
        "Activation value 9 is not a member of ModelGen.Activation");

    [Fact]
    public Task EnumValueUnknownError_CastLoss() => VerifyAsync(
        Model("[{|#0:Model(Loss = (Loss)42)|}][Input(3)][Dense(1)]"),
        DiagnosticDescriptors.EnumValueUnknownError,
        "Loss value 42 is not a member of ModelGen.Loss");

    [Fact]
    public Task LayerNeedsFlatInputError_DenseAfterImageInput() => VerifyAsync(
        Model("[Model][Input(1, 28, 28)]\n[{|#0:Dense(10)|}]"),
        DiagnosticDescriptors.LayerNeedsFlatInputError,
        "Layer 'dense0' (Dense) expects a 1-D input (B, F) but gets (B, 1, 28, 28); insert [Flatten] before it");

    [Fact]
    public Task LayerNeedsFlatInputError_SoftmaxAfterDropoutOnImage() => VerifyAsync(
        Model("[Model][Input(2, 3)][Dropout(0.1)][{|#0:Activation(Activation.Softmax)|}]"),
        DiagnosticDescriptors.LayerNeedsFlatInputError,
        "Layer 'activation0' (Activation(Softmax)) expects a 1-D input (B, F) but gets (B, 2, 3); insert [Flatten] before it");

    [Fact]
    public Task LayerNeedsFlatInputError_DenseAfterConvolutionWithoutFlatten() => VerifyAsync(
        Model("[Model][Input(1, 8, 8)][Conv2D(4, 3)][MaxPool2D(2)]\n[{|#0:Dense(10)|}]"),
        DiagnosticDescriptors.LayerNeedsFlatInputError,
        "Layer 'dense0' (Dense) expects a 1-D input (B, F) but gets (B, 4, 3, 3); insert [Flatten] before it");

    [Fact]
    public Task LayerNeedsFlatInputError_BatchNormOnSequence() => VerifyAsync(
        Model("[Model][Input(5, 3)]\n[{|#0:BatchNorm|}][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsFlatInputError,
        "Layer 'norm0' (BatchNorm) expects a 1-D input (B, F) but gets (B, 5, 3); insert [Flatten] before it");

    /// <summary>MG2001's advice works: each model above with a [Flatten] where the message says compiles without a warning.</summary>
    [Theory]
    [InlineData("[Model][Input(1, 28, 28)][Flatten][Dense(10)]")]
    [InlineData("[Model][Input(2, 3)][Dropout(0.1)][Flatten][Activation(Activation.Softmax)]")]
    [InlineData("[Model][Input(1, 8, 8)][Conv2D(4, 3)][MaxPool2D(2)][Flatten][Dense(10)]")]
    [InlineData("[Model][Input(5, 3)][Flatten][BatchNorm][Dense(1)]")]
    public void LayerNeedsFlatInputError_FlattenInsertedAsAdvised_CompilesCleanly(string attributes)
    {
        var (result, output) = GeneratorHarness.Run(Model(attributes));

        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        var found = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public Task LayerArgumentNotPositiveError_ConvolutionStrideZero() => VerifyAsync(
        Model("[Model][Input(1, 8, 8)]\n[{|#0:Conv2D(4, 3, Stride = 0)|}]"),
        DiagnosticDescriptors.LayerArgumentNotPositiveError,
        "Layer 'conv0' (Conv2D) has stride 0; it must be at least 1");

    [Fact]
    public Task LayerArgumentNotPositiveError_PoolWindowZero() => VerifyAsync(
        Model("[Model][Input(1, 8, 8)]\n[{|#0:MaxPool2D(0)|}]"),
        DiagnosticDescriptors.LayerArgumentNotPositiveError,
        "Layer 'max_pool0' (MaxPool2D) has pool size 0; it must be at least 1");

    [Fact]
    public Task ActivationNotSupportedError_SoftmaxConvolution() => VerifyAsync(
        Model("[Model][Input(1, 8, 8)]\n[{|#0:Conv2D(4, 3, Activation = Activation.Softmax)|}]"),
        DiagnosticDescriptors.ActivationNotSupportedError,
        "Layer 'conv0' (Conv2D) cannot apply Softmax: a softmax normalises a flat sample; end the maps with [Flatten] and a [Dense(classes, Activation.Softmax)]");

    [Fact]
    public Task LayerNeedsMapsError_ConvolutionAfterFlatInput() => VerifyAsync(
        Model("[Model][Input(784)]\n[{|#0:Conv2D(32, 3)|}]"),
        DiagnosticDescriptors.LayerNeedsMapsError,
        "Layer 'conv0' (Conv2D) expects feature maps (B, C, H, W) but gets (B, 784); declare the input as [Input(channels, height, width)], and keep the layer before any [Flatten] or [Dense]");

    [Fact]
    public Task LayerNeedsMapsError_PoolingAfterFlatten() => VerifyAsync(
        Model("[Model][Input(1, 8, 8)][Flatten]\n[{|#0:MaxPool2D(2)|}]"),
        DiagnosticDescriptors.LayerNeedsMapsError,
        "Layer 'max_pool0' (MaxPool2D) expects feature maps (B, C, H, W) but gets (B, 64); declare the input as [Input(channels, height, width)], and keep the layer before any [Flatten] or [Dense]");

    [Fact]
    public Task WindowLargerThanInputError_KernelLargerThanMap() => VerifyAsync(
        Model("[Model][Input(1, 4, 6)]\n[{|#0:Conv2D(8, 5)|}]"),
        DiagnosticDescriptors.WindowLargerThanInputError,
        "Layer 'conv0' (Conv2D) has a 5x5 window larger than its input (B, 1, 4, 6) (4x6 with its padding), so its output would be empty; use a window of at most 4x5, or Padding = Padding.Same, or fewer pooling layers before it");

    [Fact]
    public Task WindowLargerThanInputError_PoolAfterPoolsShrankTheMap() => VerifyAsync(
        Model("[Model][Input(1, 6, 6)][MaxPool2D(2)][MaxPool2D(2)]\n[{|#0:MaxPool2D(2)|}]"),
        DiagnosticDescriptors.WindowLargerThanInputError,
        "Layer 'max_pool2' (MaxPool2D) has a 2x2 window larger than its input (B, 1, 1, 1) (1x1 with its padding), so its output would be empty; use a window of at most 1x1, or fewer pooling layers before it");

    [Fact]
    public Task LayerArgumentNotPositiveError_LstmZeroUnits() => VerifyAsync(
        Model("[Model][Input(5, 3)]\n[{|#0:LSTM(0)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerArgumentNotPositiveError,
        "Layer 'lstm0' (LSTM) has 0 units; it must be at least 1");

    [Fact]
    public Task LayerArgumentNotPositiveError_GruZeroUnits() => VerifyAsync(
        Model("[Model][Input(5, 3)]\n[{|#0:GRU(0, Name = \"encoder\")|}][Dense(1)]"),
        DiagnosticDescriptors.LayerArgumentNotPositiveError,
        "Layer 'encoder' (GRU) has 0 units; it must be at least 1");

    [Fact]
    public Task LayerArgumentNotPositiveError_SimpleRnnNegativeUnits() => VerifyAsync(
        Model("[Model][Input(5, 3)]\n[{|#0:SimpleRNN(-2, ReturnSequences = true)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerArgumentNotPositiveError,
        "Layer 'simple_rnn0' (SimpleRNN) has -2 units; it must be at least 1");

    [Fact]
    public Task LayerArgumentNotPositiveError_EmbeddingZeroVocabulary() => VerifyAsync(
        Model("[Model][Input(5)]\n[{|#0:Embedding(0, 4)|}][LSTM(3)][Dense(1)]"),
        DiagnosticDescriptors.LayerArgumentNotPositiveError,
        "Layer 'embedding0' (Embedding) has 0 vocabulary; it must be at least 1");

    [Fact]
    public Task LayerArgumentNotPositiveError_EmbeddingZeroWidth() => VerifyAsync(
        Model("[Model][Input(5)]\n[{|#0:Embedding(20, 0, MaskZero = true)|}][LSTM(3)][Dense(1)]"),
        DiagnosticDescriptors.LayerArgumentNotPositiveError,
        "Layer 'embedding0' (Embedding) has 0 width; it must be at least 1");

    [Fact]
    public Task ActivationNotSupportedError_SigmoidSimpleRnn() => VerifyAsync(
        Model("[Model][Input(5, 3)]\n[{|#0:SimpleRNN(4, Activation.Sigmoid)|}][Dense(1)]"),
        DiagnosticDescriptors.ActivationNotSupportedError,
        "Layer 'simple_rnn0' (SimpleRNN) cannot apply Sigmoid: a recurrent state takes Activation.Tanh (the default) or Activation.ReLU, as PyTorch's nn.RNN");

    [Fact]
    public Task ActivationNotSupportedError_SimpleRnnGelu_OneDiagnostic() => VerifyAsync(
        Model("[Model][Input(5, 3)]\n[{|#0:SimpleRNN(4, Activation.Gelu)|}][Dense(1)]"),
        DiagnosticDescriptors.ActivationNotSupportedError,
        "Layer 'simple_rnn0' (SimpleRNN) cannot apply Gelu: a recurrent state takes Activation.Tanh (the default) or Activation.ReLU, as PyTorch's nn.RNN");

    [Fact]
    public Task LayerNeedsSequenceError_AfterRecurrentLayerReturningItsLastState() => VerifyAsync(
        Model("[Model][Input(5, 3)][LSTM(4)]\n[{|#0:GRU(3)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsSequenceError,
        "Layer 'gru0' (GRU) expects a sequence (B, T, F) but gets (B, 4); set ReturnSequences = true on 'lstm0' (LSTM), so that it passes on every step");

    [Fact]
    public Task LayerNeedsSequenceError_NamesTheLastRecurrentLayerWithoutSequences() => VerifyAsync(
        Model("[Model][Input(5, 3)][SimpleRNN(6, ReturnSequences = true)][LSTM(4, Name = \"summary\")][Dense(4)]\n[{|#0:LSTM(2)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsSequenceError,
        "Layer 'lstm1' (LSTM) expects a sequence (B, T, F) but gets (B, 4); set ReturnSequences = true on 'summary' (LSTM), so that it passes on every step");

    [Fact]
    public Task LayerNeedsSequenceError_FlatInput() => VerifyAsync(
        Model("[Model][Input(8)]\n[{|#0:LSTM(4)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsSequenceError,
        "Layer 'lstm0' (LSTM) expects a sequence (B, T, F) but gets (B, 8); declare the input as [Input(steps, features)], or start with an [Embedding] over [Input(steps)] token ids");

    [Fact]
    public Task LayerNeedsSequenceError_FeatureMaps() => VerifyAsync(
        Model("[Model][Input(1, 8, 8)]\n[{|#0:SimpleRNN(4)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsSequenceError,
        "Layer 'simple_rnn0' (SimpleRNN) expects a sequence (B, T, F) but gets (B, 1, 8, 8); a recurrent layer reads steps of feature vectors, not feature maps; declare the input as [Input(steps, features)]");

    [Fact]
    public Task LayerNeedsSequenceError_ConvolutionMaps() => VerifyAsync(
        Model("[Model][Input(2, 9, 8)][Conv2D(4, 3)]\n[{|#0:GRU(4)|}][Dense(1)]"),
        DiagnosticDescriptors.LayerNeedsSequenceError,
        "Layer 'gru0' (GRU) expects a sequence (B, T, F) but gets (B, 4, 7, 6); a recurrent layer reads steps of feature vectors, not feature maps; declare the input as [Input(steps, features)]");

    [Fact]
    public Task EmbeddingNotFirstError_AfterDense() => VerifyAsync(
        Model("[Model][Input(5)][Dense(5)]\n[{|#0:Embedding(10, 3)|}][LSTM(4)][Dense(1)]"),
        DiagnosticDescriptors.EmbeddingNotFirstError,
        "Layer 'embedding0' (Embedding) comes after 'dense0' (Dense); an embedding reads the model's token ids, so it must be the first layer, right after [Input(steps)]");

    [Fact]
    public Task EmbeddingNotFirstError_SecondEmbedding() => VerifyAsync(
        Model("[Model][Input(5)][Embedding(10, 3, Name = \"words\")]\n[{|#0:Embedding(10, 3)|}][LSTM(4)][Dense(1)]"),
        DiagnosticDescriptors.EmbeddingNotFirstError,
        "Layer 'embedding1' (Embedding) comes after 'words' (Embedding); an embedding reads the model's token ids, so it must be the first layer, right after [Input(steps)]");

    [Fact]
    public Task EmbeddingNeedsIdsError_SequenceOfFeatures() => VerifyAsync(
        Model("[Model][Input(5, 3)]\n[{|#0:Embedding(10, 4, MaskZero = true)|}][LSTM(4)][Dense(1)]"),
        DiagnosticDescriptors.EmbeddingNeedsIdsError,
        "Layer 'embedding0' (Embedding) expects token ids (B, T) but gets (B, 5, 3); declare the input as [Input(steps)], one id per step");

    [Fact]
    public Task LossOutputMismatchError_SoftmaxWithBinaryCrossEntropy() => VerifyAsync(
        Model("[{|#0:Model(Loss = Loss.BinaryCrossEntropy)|}][Input(3)][Dense(4, Activation.Softmax)]"),
        DiagnosticDescriptors.LossOutputMismatchError,
        "Loss BinaryCrossEntropy does not fit the output (B, 4) of layer 'dense0' (Softmax output): a softmax over several outputs wants CategoricalCrossEntropy or SparseCategoricalCrossEntropy; binary cross-entropy wants Sigmoid");

    [Fact]
    public Task LossOutputMismatchError_CategoricalWithOneOutput() => VerifyAsync(
        Model("[{|#0:Model(Loss = Loss.CategoricalCrossEntropy)|}][Input(3)][Dense(1, Activation.Softmax)]"),
        DiagnosticDescriptors.LossOutputMismatchError,
        "Loss CategoricalCrossEntropy does not fit the output (B, 1) of layer 'dense0' (Softmax output): categorical cross-entropy needs a 1-D output of at least 2 classes, but it has 1");

    [Fact]
    public Task LossOutputMismatchError_SparseWithoutSoftmax() => VerifyAsync(
        Model("[{|#0:Model(Loss = Loss.SparseCategoricalCrossEntropy)|}][Input(3)][Dense(5)]"),
        DiagnosticDescriptors.LossOutputMismatchError,
        "Loss SparseCategoricalCrossEntropy does not fit the output (B, 5) of layer 'dense0' (Linear output): categorical cross-entropy reads class probabilities; end with Softmax");

    [Fact]
    public Task LossOutputMismatchError_BinaryOnWideLinearOutput() => VerifyAsync(
        Model("[{|#0:Model(Loss = Loss.BinaryCrossEntropy)|}][Input(3)][Dense(2, Activation.ReLU)]"),
        DiagnosticDescriptors.LossOutputMismatchError,
        "Loss BinaryCrossEntropy does not fit the output (B, 2) of layer 'dense0' (ReLU output): binary cross-entropy reads probabilities; end with Sigmoid (the output has 2 values)");

    [Fact]
    public Task LossOutputMismatchError_HingeOnSigmoid() => VerifyAsync(
        Model("[{|#0:Model(Loss = Loss.Hinge)|}][Input(3)][Dense(1, Activation.Sigmoid)][Dropout(0.5)]"),
        DiagnosticDescriptors.LossOutputMismatchError,
        "Loss Hinge does not fit the output (B, 1) of layer 'dropout0' (Sigmoid output): hinge reads the sign of the output; end with a Linear or Tanh output");

    [Fact]
    public Task ModelTooLargeError_HugeDense() => VerifyAsync(
        Model("[Model][Input(100000)][{|#0:Dense(100000)|}]"),
        DiagnosticDescriptors.ModelTooLargeError,
        "Layer 'dense0' (Dense) makes model 'TestNet' too large: the parameters, gradients and optimizer state need 40000400000 floats, more than 2147483647");

    [Fact]
    public Task ModelTooLargeError_HugeActivations() => VerifyAsync(
        Model("[Model][Input(600000000)][{|#0:Dropout(0.1)|}]"),
        DiagnosticDescriptors.ModelTooLargeError,
        "Layer 'dropout0' (Dropout) makes model 'TestNet' too large: one sample's activations need 3600000000 floats, more than 2147483647");

    [Fact]
    public void ValidModels_ReportNothing()
    {
        foreach (string source in new[] { Models.CancerNet, Models.Classifier, Models.Regression, Models.Standalone, Models.Unfused, Models.TrailingDropout, Models.Recurrent, Models.SequenceToSequence })
        {
            Assert.Empty(GeneratorHarness.Diagnostics(source));
        }
    }

    [Fact]
    public void BinaryCrossEntropy_OnSingleLinearOutput_IsAccepted() =>
        Assert.Empty(GeneratorHarness.Diagnostics(Model("[Model(Loss = Loss.BinaryCrossEntropy)][Input(3)][Dense(1)]")));

    [Fact]
    public void EveryDescriptor_HasTheSeverityItsNameSaysAndAHelpLink()
    {
        var fields = typeof(DiagnosticDescriptors).GetFields();
        var descriptors = fields.Select(field => (DiagnosticDescriptor)field.GetValue(null)!).ToList();
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(fields, field =>
        {
            var d = (DiagnosticDescriptor)field.GetValue(null)!;
            Assert.Equal(field.Name.EndsWith("Warning", StringComparison.Ordinal) ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, d.DefaultSeverity);
            Assert.Matches("(Error|Warning)$", field.Name);
            Assert.Matches("^MG[0-3][0-9]{3}$", d.Id);
            Assert.StartsWith("https://", d.HelpLinkUri, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// Expects exactly one diagnostic, at the span marked {|#0:...|} in Model.cs, and no generated file (an invalid
    /// model emits nothing); any other diagnostic, the compiler's included, fails the test.
    /// </summary>
    private static Task VerifyAsync(string markedSource, DiagnosticDescriptor descriptor, string message)
    {
        var test = new ModelGenGeneratorTest(markedSource);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(descriptor).WithLocation(0).WithMessage(message));
        return test.RunAsync();
    }
}
