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

    /// <summary>
    /// Keras' <c>Precision()</c> over the epoch: true positives over predicted positives, every output above 0.5 a
    /// positive prediction and every non-zero target a positive; logged as <c>precision</c>.
    /// </summary>
    Precision,

    /// <summary>Keras' <c>Recall()</c> over the epoch: true positives over actual positives (threshold 0.5); logged as <c>recall</c>.</summary>
    Recall,

    /// <summary>
    /// Keras' <c>AUC()</c> over the epoch: the area under the ROC curve from 200 thresholds, trapezoids between them
    /// (Keras' interpolation); logged as <c>auc</c>.
    /// </summary>
    Auc,

    /// <summary>
    /// Keras' <c>TopKCategoricalAccuracy()</c> (k = 5; the sparse variant for class-index targets): the fraction of rows
    /// whose target class is among the 5 largest outputs, ties counting; logged as <c>top_k_categorical_accuracy</c>
    /// or <c>sparse_top_k_categorical_accuracy</c>.
    /// </summary>
    TopKCategoricalAccuracy,
}
