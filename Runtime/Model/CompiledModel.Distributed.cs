namespace ModelGen;

public abstract partial class CompiledModel
{
    // The host copy of the gradients and the loss for the one all-reduce of a step (made once per model).
    private float[]? _reduceBuffer;

    // During a data-parallel step: this rank's first row in the global batch, its rows and the global batch's rows, so
    // that dropout draws the counters a single process would draw for those rows.
    private (int Offset, int Local, int Global)? _shard;

    // The random draws per sample of one training forward pass, learnt on the first step, so a rank without rows in a
    // short last batch advances its stream as the others do.
    private ulong _drawsPerSample;

    /// <summary>
    /// The processes training this model together (data parallelism), or null (the default) for one process. With a
    /// collective of more than one rank, <see cref="Fit"/> gives each rank its share of every global batch (the
    /// shuffled order is the same on every rank: the seed is shared), sums the gradients and the loss over the ranks
    /// with one all-reduce per step, and takes the same optimizer step on every rank; validation is split over the ranks
    /// and the epoch's metrics (precision's, recall's and AUC's counts too) are summed over them; only rank 0 prints and
    /// writes files (ModelCheckpoint, CSVLogger, BackupAndRestore). Dropout draws the masks one process would draw. BatchNorm
    /// normalises each rank's rows with their own statistics (PyTorch's DistributedDataParallel without SyncBatchNorm).
    /// Every rank must hold the same data and call Fit with the same arguments.
    /// </summary>
    public ICollective? Collective { get; set; }

    /// <summary>Whether training is spread over more than one rank.</summary>
    internal bool Distributed => Collective is { Size: > 1 };

    /// <summary>Whether this process writes files and prints: one process, or rank 0.</summary>
    internal bool IsWriter => Collective is not { Rank: > 0 };

    /// <summary>
    /// One data-parallel training step: this rank's rows of the global batch <paramref name="rows"/> (an even split,
    /// in order), their gradients scaled by 1 / the global rows, then one all-reduce of the gradients and the loss sum,
    /// the regularisers (the same on every rank), the loss checked and the same update everywhere.
    /// </summary>
    /// <returns>The global batch's mean loss, before the update (the same on every rank).</returns>
    private float TrainShard(Dataset data, ReadOnlySpan<int> rows, Optimizer optimizer, MetricBinding[] metrics,
        Span<double> metricSums, int epoch, int epochs, int step, int steps, float[]? rowWeights)
    {
        ICollective collective = Collective!;
        int global = rows.Length;
        int first = (int)((long)global * collective.Rank / collective.Size);
        int last = (int)((long)global * (collective.Rank + 1) / collective.Size);
        ReadOnlySpan<int> local = rows[first..last];
        int batch = local.Length;
        int trainable = Layout.TrainableCount;
        _reduceBuffer ??= new float[trainable + 1];

        Backend.Fill(GradientRegion, 0f);
        float lossSum = 0f;
        if (batch > 0)
        {
            StageRows(data, local);
            if (rowWeights is not null)
            {
                StageWeights(rowWeights, local);
            }

            ulong before = RandomStreamPosition;
            _shard = (first, batch, global);
            try
            {
                Forward(batch, training: true);
            }
            finally
            {
                _shard = null;
            }

            _drawsPerSample = (RandomStreamPosition - before) / (ulong)global;
            ComputeLoss(batch, 1f / global, withGradient: true, weighted: rowWeights is not null);
            Backend.Download(Fixed(Layout.LossSlot, 1), _scalar);
            lossSum = _scalar[0] * batch;
            AccumulateMetrics(batch, metrics, metricSums);
            Backward(batch);
        }
        else
        {
            RandomStreamPosition += _drawsPerSample * (ulong)global;
        }

        // One all-reduce: every gradient and the loss sum.
        Backend.Download(GradientRegion, _reduceBuffer.AsSpan(0, trainable));
        _reduceBuffer[trainable] = lossSum;
        collective.AllReduceSum(_reduceBuffer);
        Backend.Upload(_reduceBuffer.AsSpan(0, trainable), GradientRegion);
        _scalar[0] = _reduceBuffer[trainable] / global;
        Backend.Upload(_scalar, Fixed(Layout.LossSlot, 1));

        AddRegularization(withGradient: true);
        float loss = ReadLoss(epoch, epochs, step, steps);
        if (!float.IsFinite(loss))
        {
            return loss;
        }

        optimizer.Apply(Backend, Layout, TrainableRegion, GradientRegion, OptimizerSlots);
        return loss;
    }

    /// <summary>
    /// The first counter of <paramref name="count"/> draws for this step's rows: in a data-parallel step, the counters a
    /// single process would give these rows of the global batch, the stream advancing by the global batch's draws.
    /// </summary>
    private ulong ShardedStream(int count, (int Offset, int Local, int Global) shard)
    {
        ulong perRow = (ulong)(count / shard.Local);
        ulong start = _randomStream + (perRow * (ulong)shard.Offset);
        _randomStream += perRow * (ulong)shard.Global;
        return start;
    }

    /// <summary>Refuses what data-parallel training does not do yet, before any state changes.</summary>
    private void RequireDistributable(Optimizer optimizer)
    {
        if (!Distributed)
        {
            return;
        }

        if (optimizer.FullBatch)
        {
            throw new NotSupportedException($"Data-parallel training takes mini-batch steps; {optimizer.GetType().Name} takes one full-batch step per epoch. Use Sgd, Adam or another mini-batch optimizer, or train in one process.");
        }

    }

    /// <summary>
    /// Sums the host-side metrics' states (precision's and recall's counts, AUC's histograms, top-k's hits) over the
    /// ranks, so each rank's result is the whole pass's; nothing in one process.
    /// </summary>
    private void ReduceHostMetrics(MetricBinding[] metrics)
    {
        if (!Distributed)
        {
            return;
        }

        foreach (MetricBinding metric in metrics)
        {
            if (metric.Host is { } host)
            {
                var state = new double[host.StateLength];
                host.Export(state);
                Collective!.AllReduceSum(state);
                host.Import(state);
            }
        }
    }
}
