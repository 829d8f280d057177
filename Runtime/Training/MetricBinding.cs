using ModelGen.Kernels;

namespace ModelGen;

/// <summary>A metric resolved against a model's loss: its log name and the kernel that computes it.</summary>
/// <param name="Name">The name in logs and history (<c>binary_accuracy</c>).</param>
/// <param name="Kind">The metric kernel.</param>
internal readonly record struct MetricBinding(string Name, MetricKind Kind)
{
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
            default:
                throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");
        }
    }
}
