using ModelGen.Kernels;

namespace ModelGen;

/// <summary>A metric resolved against a model's loss: its log name and the kernel that computes it, or its host state.</summary>
/// <param name="Name">The name in logs and history (<c>binary_accuracy</c>).</param>
/// <param name="Kind">The metric kernel (unused when <paramref name="Host"/> computes the metric).</param>
/// <param name="Host">The state of a metric computed on the host over the whole pass (precision, recall, AUC, top-k), or null.</param>
internal readonly record struct MetricBinding(string Name, MetricKind Kind, StreamingMetric? Host = null)
{
    /// <summary>The metric's value over a pass: the host metric's result, or the kernel's sum over the rows' count.</summary>
    public double Value(double sum, int rows) => Host?.Result() ?? sum / rows;

    /// <summary>Binds the given metrics, or the loss's default when none are given (Keras' compile-time mapping).</summary>
    public static MetricBinding[] Resolve(ModelLayout layout, Metric[]? metrics)
    {
        if (metrics is null)
        {
            metrics = layout.Loss switch
            {
                LossKind.BinaryCrossEntropy or LossKind.Hinge => [Metric.BinaryAccuracy],
                LossKind.CategoricalCrossEntropy or LossKind.SparseCategoricalCrossEntropy => [Metric.Accuracy],
                _ => [Metric.MeanAbsoluteError],
            };
        }

        var bindings = new MetricBinding[metrics.Length];
        for (int i = 0; i < metrics.Length; i++)
        {
            bindings[i] = Bind(layout, metrics[i]);
            for (int j = 0; j < i; j++)
            {
                if (bindings[j].Name == bindings[i].Name)
                {
                    throw new ArgumentException($"The metric {metrics[i]} is listed twice.", nameof(metrics));
                }
            }
        }

        return bindings;
    }

    private static MetricBinding Bind(ModelLayout layout, Metric metric)
    {
        switch (metric)
        {
            case Metric.BinaryAccuracy:
                if (layout.Loss == LossKind.SparseCategoricalCrossEntropy)
                {
                    throw new ArgumentException($"{layout.Name} is trained with sparse class indices; binary accuracy needs targets shaped like the output. Use Metric.Accuracy.", nameof(metric));
                }

                return new("binary_accuracy", MetricKind.BinaryAccuracy);
            case Metric.Accuracy:
                MetricKind kind = layout.Loss switch
                {
                    LossKind.SparseCategoricalCrossEntropy => MetricKind.SparseCategoricalAccuracy,
                    LossKind.CategoricalCrossEntropy => MetricKind.CategoricalAccuracy,
                    _ => layout.OutputSize == 1 ? MetricKind.BinaryAccuracy : MetricKind.CategoricalAccuracy,
                };
                return new("accuracy", kind);
            case Metric.MeanAbsoluteError:
                if (layout.Loss == LossKind.SparseCategoricalCrossEntropy)
                {
                    throw new ArgumentException($"{layout.Name} is trained with sparse class indices; the mean absolute error needs targets shaped like the output.", nameof(metric));
                }

                return new("mae", MetricKind.MeanAbsoluteError);
            case Metric.Precision or Metric.Recall or Metric.Auc:
                if (layout.Loss == LossKind.SparseCategoricalCrossEntropy)
                {
                    throw new ArgumentException($"{layout.Name} is trained with sparse class indices; {metric} counts each output against a target shaped like the output (0 or 1). Use Metric.Accuracy or Metric.TopKCategoricalAccuracy.", nameof(metric));
                }

                return metric switch
                {
                    Metric.Precision => new("precision", MetricKind.BinaryAccuracy, new ConfusionMetric(precision: true)),
                    Metric.Recall => new("recall", MetricKind.BinaryAccuracy, new ConfusionMetric(precision: false)),
                    _ => new("auc", MetricKind.BinaryAccuracy, new AucMetric()),
                };
            case Metric.TopKCategoricalAccuracy:
                bool sparse = layout.Loss == LossKind.SparseCategoricalCrossEntropy;
                if (!sparse && layout.Loss != LossKind.CategoricalCrossEntropy)
                {
                    throw new ArgumentException($"{layout.Name} is not a classifier over classes (its loss is {layout.Loss}); top-k accuracy needs categorical or sparse categorical cross-entropy.", nameof(metric));
                }

                return new(sparse ? "sparse_top_k_categorical_accuracy" : "top_k_categorical_accuracy", MetricKind.CategoricalAccuracy, new TopKMetric(5, sparse));
            default:
                throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");
        }
    }
}
