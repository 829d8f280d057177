using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Precision, recall, AUC and top-k accuracy as Keras computes them (issue 14, section 4): over the whole pass, not as
/// a mean of batch values; worked out by hand on small cases and against a direct count on a trained model.
/// </summary>
public sealed class StreamingMetricTests
{
    [Fact]
    public void PrecisionAndRecallCountEveryOutputAtThreshold05()
    {
        // Predictions above 0.5: rows 0, 2, 3 (0.5 itself is not above). Targets 1: rows 0, 1, 3.
        // TP = 2 (rows 0, 3), FP = 1 (row 2), FN = 1 (row 1): precision 2/3, recall 2/3.
        float[] outputs = [0.9f, 0.4f, 0.6f, 0.7f, 0.5f];
        float[] targets = [1f, 1f, 0f, 1f, 0f];
        var precision = new ConfusionMetric(precision: true);
        var recall = new ConfusionMetric(precision: false);
        precision.Update(outputs.AsSpan(0, 2), targets.AsSpan(0, 2), 2, 1, 1);
        precision.Update(outputs.AsSpan(2), targets.AsSpan(2), 3, 1, 1);
        recall.Update(outputs, targets, 5, 1, 1);
        Assert.Equal(2.0 / 3, precision.Result(), 12);
        Assert.Equal(2.0 / 3, recall.Result(), 12);
        precision.Reset();
        Assert.Equal(0, precision.Result());
    }

    [Fact]
    public void AucOfSeparatedScoresIsOneAndOfATieIsOneHalf()
    {
        var auc = new AucMetric();
        auc.Update([0.1f, 0.2f, 0.8f, 0.9f], [0f, 0f, 1f, 1f], 4, 1, 1);
        Assert.Equal(1.0, auc.Result(), 12);

        // All four scores in one bucket: the ROC curve is the diagonal's two ends, one trapezoid of area 1/2.
        auc.Reset();
        auc.Update([0.3f, 0.3f, 0.3f, 0.3f], [0f, 1f, 0f, 1f], 4, 1, 1);
        Assert.Equal(0.5, auc.Result(), 12);

        // Three of the four (positive, negative) pairs in order (0.5 below 0.6 is the one not): 3/4; a perfectly wrong order gives 0.
        auc.Reset();
        auc.Update([0.5f, 0.6f, 0.1f, 0.9f], [1f, 0f, 0f, 1f], 4, 1, 1);
        Assert.Equal(0.75, auc.Result(), 12);
        auc.Reset();
        auc.Update([0.9f, 0.1f], [0f, 1f], 2, 1, 1);
        Assert.Equal(0.0, auc.Result(), 12);
    }

    [Fact]
    public void TopKCountsTiesAsKerasInTopKDoes()
    {
        var topTwo = new TopKMetric(2, sparse: true);
        // Row 0: class 2 is the largest; row 1: class 0 is third; row 2: class 1 ties for second.
        float[] outputs = [0.1f, 0.2f, 0.7f, 0.1f, 0.5f, 0.4f, 0.5f, 0.25f, 0.25f];
        topTwo.Update(outputs, [2f, 0f, 1f], 3, 3, 1);
        Assert.Equal(2.0 / 3, topTwo.Result(), 12);
        var oneHot = new TopKMetric(1, sparse: false);
        oneHot.Update(outputs, [0f, 0f, 1f, 1f, 0f, 0f, 1f, 0f, 0f], 3, 3, 3);
        Assert.Equal(2.0 / 3, oneHot.Result(), 12);
    }

    [Fact]
    public void EvaluateStreamsOverTheWholePassWhateverTheBatchSize()
    {
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        using var model = new CancerNet(batchCapacity: 64, seed: 4, device: Device.Cpu(1));
        model.Fit(train, null, batchSize: 32, epochs: 2, new Adam(), verbose: 0);
        Metric[] metrics = [Metric.Precision, Metric.Recall, Metric.Auc];
        var whole = model.Evaluate(validation, batchSize: 64, metrics);
        var small = model.Evaluate(validation, batchSize: 7, metrics);
        foreach (string name in new[] { "precision", "recall", "auc" })
        {
            Assert.Equal(whole[name], small[name], 12);
        }

        // A direct count over the predictions, threshold by threshold, as Keras' confusion matrices do.
        float[] p = model.Predict(validation.Features);
        float[] t = validation.Targets;
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < p.Length; i++)
        {
            tp += p[i] > 0.5f && t[i] == 1f ? 1 : 0;
            fp += p[i] > 0.5f && t[i] == 0f ? 1 : 0;
            fn += p[i] <= 0.5f && t[i] == 1f ? 1 : 0;
        }

        Assert.Equal((double)tp / (tp + fp), whole["precision"], 12);
        Assert.Equal((double)tp / (tp + fn), whole["recall"], 12);
        float[] thresholds = [(float)-1e-7, .. Enumerable.Range(1, 198).Select(i => (float)(i / 199.0)), (float)(1 + 1e-7)];
        double[] tpr = new double[200], fpr = new double[200];
        int positives = t.Count(v => v == 1f), negatives = t.Length - positives;
        for (int k = 0; k < 200; k++)
        {
            tpr[k] = (double)Enumerable.Range(0, p.Length).Count(i => p[i] > thresholds[k] && t[i] == 1f) / positives;
            fpr[k] = (double)Enumerable.Range(0, p.Length).Count(i => p[i] > thresholds[k] && t[i] == 0f) / negatives;
        }

        double auc = Enumerable.Range(0, 199).Sum(k => (fpr[k] - fpr[k + 1]) * (tpr[k] + tpr[k + 1]) / 2);
        Assert.Equal(auc, whole["auc"], 12);
        Assert.InRange(whole["auc"], 0.9, 1.0);
    }

    [Fact]
    public void FitLogsTheMetricsForTrainingAndValidationAndRefusesThemWhereTheyDoNotFit()
    {
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        using var model = new CancerNet(batchCapacity: 32, seed: 4, device: Device.Cpu(1));
        History history = model.Fit(train, validation, batchSize: 32, epochs: 2, new Adam(), verbose: 0, metrics: [Metric.BinaryAccuracy, Metric.Auc]);
        Assert.Equal(["loss", "binary_accuracy", "auc", "val_loss", "val_binary_accuracy", "val_auc"], history.Keys);
        Assert.All(history["val_auc"], v => Assert.InRange(v, 0.5, 1.0));
        Assert.Equal(model.Evaluate(validation, 32, [Metric.Auc])["auc"], history["val_auc"][^1], 12);

        using var softmax = new SoftmaxNet(batchCapacity: 4, device: Device.Cpu(1));
        Assert.Throws<ArgumentException>(() => softmax.Evaluate(new Dataset(new float[8], 4, [0f, 1f], 1), 2, [Metric.Precision]));
        using var linear = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        Assert.Throws<ArgumentException>(() => linear.Evaluate(new Dataset(new float[4], 2, [0f, 1f], 1), 2, [Metric.TopKCategoricalAccuracy]));
    }
}
