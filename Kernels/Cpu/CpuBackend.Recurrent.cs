namespace ModelGen.Kernels.Cpu;

/// <summary>
/// The recurrent operations (<c>IBackend.Recurrent.cs</c>): views validated here, before anything is written, the work
/// done in RecurrentCpu, EmbeddingCpu and SequenceCpu. An empty mask or dSequence view means "none".
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private RecurrentCpu.StepJob? _recurrentStep;

    /// <summary>The step kernels' job, made on first use (the constructor lives with the other families).</summary>
    private RecurrentCpu.StepJob Step => _recurrentStep ??= new RecurrentCpu.StepJob(_gemm);

    /// <inheritdoc/>
    public void SequenceTranspose(Buf source, Buf destination, int outer, int inner, int width)
    {
        long count = Count(outer, inner) * Count(1, width);
        Sized(source, count, nameof(source));
        Sized(destination, count, nameof(destination));
        if (count > 0 && source.Offset < destination.Offset + count && destination.Offset < source.Offset + count)
        {
            throw new ArgumentException(
                $"SequenceTranspose cannot work in place: 'source' {source.Take((int)count)} and 'destination' {destination.Take((int)count)} overlap.",
                nameof(destination));
        }

        SequenceCpu.Transpose(_base + source.Offset, _base + destination.Offset, outer, inner, width);
    }

    /// <inheritdoc/>
    public void RnnStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf h, int batch, int units, ActivationKind activation)
    {
        CheckRnnActivation(activation);
        long count = Count(batch, units);
        Sized(xp, count, nameof(xp));
        Sized(hp, count, nameof(hp));
        Sized(biasIh, units, nameof(biasIh));
        Sized(biasHh, units, nameof(biasHh));
        Sized(previous, count, nameof(previous));
        float* m = Optional(mask, batch, nameof(mask));
        Sized(h, count, nameof(h));
        Step.RnnForward(_base + xp.Offset, _base + hp.Offset, _base + biasIh.Offset, _base + biasHh.Offset, _base + previous.Offset, m,
            _base + h.Offset, batch, units, activation == ActivationKind.ReLU);
    }

    /// <inheritdoc/>
    public void RnnStepBackward(Buf h, Buf mask, Buf dSequence, Buf dh, Buf dGates, int batch, int units, ActivationKind activation)
    {
        CheckRnnActivation(activation);
        long count = Count(batch, units);
        Sized(h, count, nameof(h));
        float* m = Optional(mask, batch, nameof(mask));
        float* ds = Optional(dSequence, count, nameof(dSequence));
        Sized(dh, count, nameof(dh));
        Sized(dGates, count, nameof(dGates));
        Step.RnnBackward(_base + h.Offset, m, ds, _base + dh.Offset, _base + dGates.Offset, batch, units, activation == ActivationKind.ReLU);
    }

    /// <inheritdoc/>
    public void LstmStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previousH, Buf previousC, Buf mask,
        Buf gates, Buf h, Buf c, int batch, int units)
    {
        long count = Count(batch, units), gateCount = count * 4;
        long gateWidth = Count(1, units) * 4;
        Sized(xp, gateCount, nameof(xp));
        Sized(hp, gateCount, nameof(hp));
        Sized(biasIh, gateWidth, nameof(biasIh));
        Sized(biasHh, gateWidth, nameof(biasHh));
        Sized(previousH, count, nameof(previousH));
        Sized(previousC, count, nameof(previousC));
        float* m = Optional(mask, batch, nameof(mask));
        Sized(gates, gateCount, nameof(gates));
        Sized(h, count, nameof(h));
        Sized(c, count, nameof(c));
        Step.LstmForward(_base + xp.Offset, _base + hp.Offset, _base + biasIh.Offset, _base + biasHh.Offset, _base + previousH.Offset,
            _base + previousC.Offset, m, _base + gates.Offset, _base + h.Offset, _base + c.Offset, batch, units);
    }

    /// <inheritdoc/>
    public void LstmStepBackward(Buf gates, Buf previousC, Buf c, Buf mask, Buf dSequence, Buf dh, Buf dc, Buf dGates, int batch, int units)
    {
        long count = Count(batch, units), gateCount = count * 4;
        Sized(gates, gateCount, nameof(gates));
        Sized(previousC, count, nameof(previousC));
        Sized(c, count, nameof(c));
        float* m = Optional(mask, batch, nameof(mask));
        float* ds = Optional(dSequence, count, nameof(dSequence));
        Sized(dh, count, nameof(dh));
        Sized(dc, count, nameof(dc));
        Sized(dGates, gateCount, nameof(dGates));
        Step.LstmBackward(_base + gates.Offset, _base + previousC.Offset, _base + c.Offset, m, ds, _base + dh.Offset, _base + dc.Offset,
            _base + dGates.Offset, batch, units);
    }

    /// <inheritdoc/>
    public void GruStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf gates, Buf h, int batch, int units)
    {
        long count = Count(batch, units);
        long gateWidth = Count(1, units) * 3;
        Sized(xp, count * 3, nameof(xp));
        Sized(hp, count * 3, nameof(hp));
        Sized(biasIh, gateWidth, nameof(biasIh));
        Sized(biasHh, gateWidth, nameof(biasHh));
        Sized(previous, count, nameof(previous));
        float* m = Optional(mask, batch, nameof(mask));
        Sized(gates, count * 4, nameof(gates));
        Sized(h, count, nameof(h));
        Step.GruForward(_base + xp.Offset, _base + hp.Offset, _base + biasIh.Offset, _base + biasHh.Offset, _base + previous.Offset, m,
            _base + gates.Offset, _base + h.Offset, batch, units);
    }

    /// <inheritdoc/>
    public void GruStepBackward(Buf gates, Buf previous, Buf mask, Buf dSequence, Buf dh, Buf dInputGates, Buf dRecurrentGates, int batch, int units)
    {
        long count = Count(batch, units);
        Sized(gates, count * 4, nameof(gates));
        Sized(previous, count, nameof(previous));
        float* m = Optional(mask, batch, nameof(mask));
        float* ds = Optional(dSequence, count, nameof(dSequence));
        Sized(dh, count, nameof(dh));
        Sized(dInputGates, count * 3, nameof(dInputGates));
        Sized(dRecurrentGates, count * 3, nameof(dRecurrentGates));
        Step.GruBackward(_base + gates.Offset, _base + previous.Offset, m, ds, _base + dh.Offset, _base + dInputGates.Offset,
            _base + dRecurrentGates.Offset, batch, units);
    }

    /// <inheritdoc/>
    public void EmbeddingForward(Buf ids, Buf table, Buf y, Buf mask, int batch, int steps, int vocabulary, int width)
    {
        long tokens = Count(batch, steps);
        Sized(ids, tokens, nameof(ids));
        Sized(table, Count(vocabulary, width), nameof(table));
        Sized(y, tokens * Count(1, width), nameof(y));
        float* m = Optional(mask, tokens, nameof(mask));
        TokenIds.Require(new ReadOnlySpan<float>(_base + ids.Offset, (int)tokens), batch, steps, vocabulary);
        EmbeddingCpu.Forward(_base + ids.Offset, _base + table.Offset, _base + y.Offset, m, (int)tokens, width);
    }

    /// <inheritdoc/>
    public void EmbeddingBackward(Buf ids, Buf dy, Buf dTable, int batch, int steps, int vocabulary, int width)
    {
        long tokens = Count(batch, steps);
        Sized(ids, tokens, nameof(ids));
        Sized(dy, tokens * Count(1, width), nameof(dy));
        Sized(dTable, Count(vocabulary, width), nameof(dTable));
        TokenIds.Require(new ReadOnlySpan<float>(_base + ids.Offset, (int)tokens), batch, steps, vocabulary);
        EmbeddingCpu.Backward(_base + ids.Offset, _base + dy.Offset, _base + dTable.Offset, (int)tokens, width);
    }

    /// <summary>SimpleRNN's activations: the backward pass reads the derivative from the output, which these two allow.</summary>
    private static void CheckRnnActivation(ActivationKind activation)
    {
        if (activation is not (ActivationKind.Tanh or ActivationKind.ReLU))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "SimpleRNN takes Tanh or ReLU.");
        }
    }

    /// <summary>Null for an empty view ("none"), else the view's start, checked to hold <paramref name="needed"/> floats.</summary>
    private float* Optional(Buf view, long needed, string name)
    {
        if (view.Length == 0)
        {
            View(view, name);
            return null;
        }

        Sized(view, needed, name);
        return _base + view.Offset;
    }
}
