namespace ModelGen.Runtime.Tests.Models;

/// <summary>Logistic regression on two features: sigmoid fused with binary cross-entropy, for class weights on 0/1 labels.</summary>
[Model(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(1, Activation.Sigmoid)]
public partial class LogisticNet;

/// <summary>Three classes, softmax fused with categorical cross-entropy on one-hot targets, for class weights by arg-max.</summary>
[Model(Loss = Loss.CategoricalCrossEntropy)]
[Input(4)]
[Dense(3, Activation.Softmax)]
public partial class OneHotNet;
