namespace ModelGen;

/// <summary>The training loss of a model, named as in Keras.</summary>
public enum Loss
{
    /// <summary>Mean squared error (regression).</summary>
    MeanSquaredError,
    /// <summary>Binary cross-entropy; fused with a final sigmoid and computed from its logits.</summary>
    BinaryCrossEntropy,
    /// <summary>Categorical cross-entropy with one-hot targets; fused with a final softmax.</summary>
    CategoricalCrossEntropy,
    /// <summary>Categorical cross-entropy with one integer class index per sample; fused with a final softmax.</summary>
    SparseCategoricalCrossEntropy,
    /// <summary>Hinge loss; targets in {0, 1} are read as {-1, 1}.</summary>
    Hinge,
}

/// <summary>An activation function.</summary>
public enum Activation
{
    /// <summary>Identity (no activation).</summary>
    Linear,
    /// <summary>max(x, 0).</summary>
    ReLU,
    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Normalised exponentials over the features of each sample.</summary>
    Softmax,
    /// <summary>Gaussian error linear unit, exact (erf) form: x * Phi(x) (Keras' and PyTorch's default).</summary>
    Gelu,
}
