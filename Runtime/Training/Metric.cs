namespace ModelGen;

/// <summary>A metric reported beside the loss during training and evaluation (Keras' <c>metrics=</c>).</summary>
public enum Metric
{
    /// <summary>Fraction of outputs on the same side of 0.5 as their target; logged as <c>binary_accuracy</c>.</summary>
    BinaryAccuracy,

    /// <summary>
    /// Keras' <c>"accuracy"</c>: categorical accuracy for categorical cross-entropy, sparse categorical accuracy
    /// for the sparse loss, binary accuracy for one output otherwise; logged as <c>accuracy</c>.
    /// </summary>
    Accuracy,

    /// <summary>Mean absolute error; logged as <c>mae</c>.</summary>
    MeanAbsoluteError,
}
