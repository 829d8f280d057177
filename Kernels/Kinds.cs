namespace ModelGen.Kernels;

/// <summary>An element-wise (or, for softmax, row-wise) activation a kernel applies.</summary>
public enum ActivationKind
{
    /// <summary>Identity.</summary>
    Linear,
    /// <summary>max(x, 0).</summary>
    ReLU,
    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>exp(x - max) / sum(exp(x - max)) over each row's features.</summary>
    Softmax,
}

/// <summary>The loss a loss kernel computes. Every loss is averaged over the batch (Keras' reduction).</summary>
public enum LossKind
{
    /// <summary>mean over the batch of mean over features of (y - t)^2.</summary>
    MeanSquaredError,
    /// <summary>Binary cross-entropy, mean over features; on probabilities (clipped to [1e-7, 1-1e-7]) or fused with a sigmoid from logits.</summary>
    BinaryCrossEntropy,
    /// <summary>Categorical cross-entropy with one-hot targets, summed over classes; on probabilities or fused with a softmax from logits.</summary>
    CategoricalCrossEntropy,
    /// <summary>Categorical cross-entropy with one integer class index per row (stored as a float).</summary>
    SparseCategoricalCrossEntropy,
    /// <summary>mean over features of max(1 - t * y, 0); targets in {0, 1} are read as {-1, 1}.</summary>
    Hinge,
}

/// <summary>A metric a metric kernel sums over a batch; the runtime divides by the count.</summary>
public enum MetricKind
{
    /// <summary>Fraction of outputs on the same side of 0.5 as their target.</summary>
    BinaryAccuracy,
    /// <summary>Fraction of rows whose arg-max output is the arg-max of the one-hot target.</summary>
    CategoricalAccuracy,
    /// <summary>Fraction of rows whose arg-max output equals the integer class index.</summary>
    SparseCategoricalAccuracy,
    /// <summary>Mean over features of |y - t|.</summary>
    MeanAbsoluteError,
}
