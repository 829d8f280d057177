using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ModelGen.Generator.Diagnostics;

namespace ModelGen.Generator.Tests.Graph;

/// <summary>
/// Every diagnostic of a graph model's members and [Forward] body, at the statement, expression or member at fault,
/// with its full message (and nothing else reported).
/// </summary>
public sealed class GraphDiagnosticsTests
{
    private static string Model(string members, string body) => $$"""
        using ModelGen;

        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError)]
        internal partial class Net
        {
            [Input(4, 6)] public partial Tensor X { get; }
            [Input(6)] public partial Tensor Flat { get; }
            [Dense(6)] public partial Layer Hidden { get; }
            [Dense(1)] public partial Layer Head { get; }
            {{members}}

            [Forward]
            Tensor Forward()
            {
                {{body}}
            }
        }
        """;

    [Fact]
    public Task BranchOnData_IsRefusedAtTheStatement() => VerifyAsync(
        Model("", "var x = Hidden(Flat);\n{|#0:if (x.Equals(x)) { x = Hidden(x); }|}\nreturn Head(x);"),
        DiagnosticDescriptors.GraphStatementError,
        "The [Forward] body of 'Net' cannot contain an if statement (a branch on data has no fixed graph; build the model for one case); the generator compiles locals, assignments, calls of layer members, tensor operators, Tensor's methods, for and foreach loops with a constant count, and a return of the output");

    [Fact]
    public Task WhileLoop_IsRefusedAtTheStatement() => VerifyAsync(
        Model("", "var x = Hidden(Flat);\n{|#0:while (x.Equals(x)) { }|}\nreturn Head(x);"),
        DiagnosticDescriptors.GraphStatementError,
        "The [Forward] body of 'Net' cannot contain this statement (WhileStatement); the generator compiles locals, assignments, calls of layer members, tensor operators, Tensor's methods, for and foreach loops with a constant count, and a return of the output");

    [Fact]
    public Task UnknownCall_IsRefusedAtTheExpression() => VerifyAsync(
        Model("static Tensor Twice(Tensor t) => t;", "return Head({|#0:Twice(Hidden(Flat))|});"),
        DiagnosticDescriptors.GraphExpressionError,
        "'Twice(Hidden(Flat))' in the [Forward] body of 'Net' cannot be compiled: only layer members and the static methods of ModelGen.Tensor can be called");

    [Fact]
    public Task NonConstantScale_IsRefusedAtTheExpression() => VerifyAsync(
        Model("float _scale = 2f;", "return Head(Hidden(Flat) * {|#0:_scale|});"),
        DiagnosticDescriptors.GraphExpressionError,
        "'_scale' in the [Forward] body of 'Net' cannot be compiled: '_scale' is neither an [Input] member, a layer member, a local tensor nor a constant");

    [Fact]
    public Task SumOfDifferentShapes_NamesBothShapes() => VerifyAsync(
        Model("", "return Head({|#0:Hidden(Flat) + Tensor.Mean(X, axis: 2)|});"),
        DiagnosticDescriptors.GraphShapeError,
        "'Hidden(Flat) + Tensor.Mean(X, axis: 2)' in 'Net' does not fit: '+' needs two tensors of the same shape but gets (B, 6) and (B, 4); make them match (a Dense, a Reshape or a Transpose) first");

    [Fact]
    public Task MatMulInnerSizes_NameBothShapesAndTheFix() => VerifyAsync(
        Model("", "return Head(Tensor.Mean({|#0:Tensor.MatMul(X, X)|}, axis: 1));"),
        DiagnosticDescriptors.GraphShapeError,
        "'Tensor.MatMul(X, X)' in 'Net' does not fit: MatMul of (B, 4, 6) and (B, 4, 6) needs the inner sizes to match, but they are 6 and 4; transpose one operand (transposeA or transposeB) or project it");

    [Fact]
    public Task ReshapeOfAnotherSize_IsRefused() => VerifyAsync(
        Model("", "return Head({|#0:Tensor.Reshape(X, 5, 5)|});"),
        DiagnosticDescriptors.GraphShapeError,
        "'Tensor.Reshape(X, 5, 5)' in 'Net' does not fit: Reshape of (B, 4, 6) (24 floats per sample) to (B, 5, 5) needs the same number of floats; give the sample's dimensions only (not the batch), at most one -1");

    [Fact]
    public Task TransposeOfTheBatch_IsRefused() => VerifyAsync(
        Model("", "return Head(Tensor.Mean({|#0:Tensor.Transpose(X, 0, 1)|}, axis: 1));"),
        DiagnosticDescriptors.GraphShapeError,
        "'Tensor.Transpose(X, 0, 1)' in 'Net' does not fit: Transpose(0, 1) of (B, 4, 6) needs two different axes from 1 to 2 (or negative from the end); axis 0 is the batch");

    [Fact]
    public Task SoftmaxOverTheBatch_IsRefused() => VerifyAsync(
        Model("", "return Head(Tensor.Mean({|#0:Tensor.Softmax(X, axis: 0)|}, axis: 1));"),
        DiagnosticDescriptors.GraphShapeError,
        "'Tensor.Softmax(X, axis: 0)' in 'Net' does not fit: Softmax on axis 0 of (B, 4, 6) needs an axis from 1 to 2 (or negative from the end); axis 0 is the batch");

    [Fact]
    public Task SplitSizesThatDoNotAddUp_AreRefused() => VerifyAsync(
        Model("", "var parts = {|#0:Tensor.Split(X, [1, 2], axis: 1)|};\nreturn Head(Tensor.Mean(parts[0], axis: 1));"),
        DiagnosticDescriptors.GraphShapeError,
        "'Tensor.Split(X, [1, 2], axis: 1)' in 'Net' does not fit: Split of (B, 4, 6) into sizes [1, 2] on axis 1 needs an axis from 1 to 2 whose size, 4, the positive sizes add up to");

    [Fact]
    public Task NoForwardMethod_IsReportedAtTheClass() => VerifyAsync(
        """
        using ModelGen;

        namespace Demo;

        [Model]
        internal partial class {|#0:Net|}
        {
            [Input(4)] public partial Tensor X { get; }
        }
        """,
        DiagnosticDescriptors.GraphForwardError,
        "Model class 'Net' declares [Input] members but no [Forward] method; add one that returns the output: [Forward] Tensor Forward() { ... }");

    [Fact]
    public Task LayerMemberNotPartial_NamesTheDeclarationToWrite() => VerifyAsync(
        Model("[Dense(3)] public Layer {|#0:Other|} { get; } = null!;", "return Head(Hidden(Flat));"),
        DiagnosticDescriptors.GraphMemberError,
        "Member 'Other' of 'Net' must be declared as 'public partial Layer Other { get; }' so that the generator can implement it");

    [Fact]
    public Task TooManyArguments_NameTheLayerAndCounts() => VerifyAsync(
        Model("", "return Head({|#0:Hidden(Flat, Flat)|});"),
        DiagnosticDescriptors.GraphArgumentCountError,
        "Layer 'hidden' (Dense) takes 1 input but the call passes 2");

    [Fact]
    public Task SharedLayerWithAnotherShape_NamesBothCalls() => VerifyAsync(
        Model("", "var a = Hidden(Flat);\nvar b = {|#0:Hidden(X)|};\nreturn Head(a);"),
        DiagnosticDescriptors.GraphSharedShapeError,
        "Layer 'hidden' (Dense) was first called with (B, 6) and is called here with (B, 4, 6); a member shares its weights across calls, so every call needs the same shapes: declare another member");

    [Fact]
    public Task BatchNormCalledTwice_IsRefused() => VerifyAsync(
        Model("[BatchNorm] public partial Layer Norm { get; }", "var a = Norm(Flat);\nreturn Head({|#0:Norm(a)|});"),
        DiagnosticDescriptors.GraphCalledTwiceError,
        "Layer 'norm' (BatchNorm) keeps statistics of its call for the backward pass and cannot be called twice; declare a second member");

    [Fact]
    public Task BlockOfAPlainClass_IsRefusedAtTheMember() => VerifyAsync(
        Model("[Block(typeof(string))] public partial Layer {|#0:Encoder|} { get; }", "return Head(Hidden(Flat));"),
        DiagnosticDescriptors.GraphBlockError,
        "[Block] member 'Encoder' of 'Net' uses 'String', which is not a graph model; a block is a [Model] class with [Input] members and a [Forward] method");

    [Fact]
    public void UnusedMember_IsAWarningAndTheModelStillCompiles()
    {
        var (result, output) = GeneratorHarness.Run(Model("[Dense(3)] public partial Layer Spare { get; }", "return Head(Hidden(Flat));"));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal("MG3010", warning.Id);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal("Layer member 'Spare' of 'Net' is never called in the [Forward] body, so it has no weights", warning.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, result.GeneratedSources.Length);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static Task VerifyAsync(string markedSource, DiagnosticDescriptor descriptor, string message)
    {
        // The members' file is generated even when the body fails (so that only the generator's diagnostic shows).
        var test = new ModelGenGeneratorTest(markedSource) { TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck };
        test.ExpectedDiagnostics.Add(new DiagnosticResult(descriptor).WithLocation(0).WithMessage(message));
        return test.RunAsync();
    }
}
