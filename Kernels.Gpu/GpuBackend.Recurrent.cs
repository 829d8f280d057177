using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The recurrent operations (<c>IBackend.Recurrent.cs</c>): validation of views as the CPU back end does it, then
/// dispatch to <see cref="RecurrentGpu"/> and <see cref="EmbeddingGpu"/>, created on first use (their kernels compile
/// then). An empty mask or dSequence view means "none". A kernel cannot throw, so the embedding's token ids are
/// downloaded and checked on the host before anything is written; that waits for the queued kernels, once per call.
/// </summary>
public sealed partial class GpuBackend
{
    private RecurrentGpu? _recurrent;
    private EmbeddingGpu? _embedding;
    private float[] _hostIds = [];

    private RecurrentGpu RecurrentKernels => _recurrent ??= new RecurrentGpu(_accelerator);

    private EmbeddingGpu EmbeddingKernels => _embedding ??= new EmbeddingGpu(_accelerator);

    /// <inheritdoc/>
    public void SequenceTranspose(Buf source, Buf destination, int outer, int inner, int width)
    {
        long count = Count(outer, inner) * Count(1, width);
        ArrayView<float> sv = Sized(source, count, nameof(source));
        ArrayView<float> dv = Sized(destination, count, nameof(destination));
        if (count > 0 && source.Offset < destination.Offset + count && destination.Offset < source.Offset + count)
        {
            throw new ArgumentException(
                $"SequenceTranspose cannot work in place: 'source' {source.Take((int)count)} and 'destination' {destination.Take((int)count)} overlap.",
                nameof(destination));
        }

        RecurrentKernels.Transpose(sv, dv, outer, inner, width);
    }

    /// <inheritdoc/>
    public void RnnStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf h, int batch, int units, ActivationKind activation)
    {
        CheckRnnActivation(activation);
        long count = Count(batch, units);
        ArrayView<float> xpv = Sized(xp, count, nameof(xp)), hpv = Sized(hp, count, nameof(hp));
        ArrayView<float> bih = Sized(biasIh, units, nameof(biasIh)), bhh = Sized(biasHh, units, nameof(biasHh));
        ArrayView<float> pv = Sized(previous, count, nameof(previous));
        ArrayView<float> mv = Optional(mask, batch, nameof(mask));
        RecurrentKernels.RnnForward(xpv, hpv, bih, bhh, pv, mv, Sized(h, count, nameof(h)), units, activation);
    }

    /// <inheritdoc/>
    public void RnnStepBackward(Buf h, Buf mask, Buf dSequence, Buf dh, Buf dGates, int batch, int units, ActivationKind activation)
    {
        CheckRnnActivation(activation);
        long count = Count(batch, units);
        ArrayView<float> hv = Sized(h, count, nameof(h));
        ArrayView<float> mv = Optional(mask, batch, nameof(mask)), dsv = Optional(dSequence, count, nameof(dSequence));
        ArrayView<float> dhv = Sized(dh, count, nameof(dh));
        RecurrentKernels.RnnBackward(hv, mv, dsv, dhv, Sized(dGates, count, nameof(dGates)), units, activation);
    }

    /// <inheritdoc/>
    public void LstmStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previousH, Buf previousC, Buf mask,
        Buf gates, Buf h, Buf c, int batch, int units)
    {
        long count = Count(batch, units), gateCount = count * 4;
        long gateWidth = Count(1, units) * 4;
        ArrayView<float> xpv = Sized(xp, gateCount, nameof(xp)), hpv = Sized(hp, gateCount, nameof(hp));
        ArrayView<float> bih = Sized(biasIh, gateWidth, nameof(biasIh)), bhh = Sized(biasHh, gateWidth, nameof(biasHh));
        ArrayView<float> phv = Sized(previousH, count, nameof(previousH)), pcv = Sized(previousC, count, nameof(previousC));
        ArrayView<float> mv = Optional(mask, batch, nameof(mask));
        ArrayView<float> gv = Sized(gates, gateCount, nameof(gates));
        ArrayView<float> hv = Sized(h, count, nameof(h)), cv = Sized(c, count, nameof(c));
        RecurrentKernels.LstmForward(xpv, hpv, bih, bhh, phv, pcv, mv, gv, hv, cv, units);
    }

    /// <inheritdoc/>
    public void LstmStepBackward(Buf gates, Buf previousC, Buf c, Buf mask, Buf dSequence, Buf dh, Buf dc, Buf dGates, int batch, int units)
    {
        long count = Count(batch, units), gateCount = count * 4;
        ArrayView<float> gv = Sized(gates, gateCount, nameof(gates));
        ArrayView<float> pcv = Sized(previousC, count, nameof(previousC)), cv = Sized(c, count, nameof(c));
        ArrayView<float> mv = Optional(mask, batch, nameof(mask)), dsv = Optional(dSequence, count, nameof(dSequence));
        ArrayView<float> dhv = Sized(dh, count, nameof(dh)), dcv = Sized(dc, count, nameof(dc));
        RecurrentKernels.LstmBackward(gv, pcv, cv, mv, dsv, dhv, dcv, Sized(dGates, gateCount, nameof(dGates)), units);
    }

    /// <inheritdoc/>
    public void GruStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf gates, Buf h, int batch, int units)
    {
        long count = Count(batch, units);
        long gateWidth = Count(1, units) * 3;
        ArrayView<float> xpv = Sized(xp, count * 3, nameof(xp)), hpv = Sized(hp, count * 3, nameof(hp));
        ArrayView<float> bih = Sized(biasIh, gateWidth, nameof(biasIh)), bhh = Sized(biasHh, gateWidth, nameof(biasHh));
        ArrayView<float> pv = Sized(previous, count, nameof(previous));
        ArrayView<float> mv = Optional(mask, batch, nameof(mask));
        ArrayView<float> gv = Sized(gates, count * 4, nameof(gates));
        RecurrentKernels.GruForward(xpv, hpv, bih, bhh, pv, mv, gv, Sized(h, count, nameof(h)), units);
    }

    /// <inheritdoc/>
    public void GruStepBackward(Buf gates, Buf previous, Buf mask, Buf dSequence, Buf dh, Buf dInputGates, Buf dRecurrentGates, int batch, int units)
    {
        long count = Count(batch, units);
        ArrayView<float> gv = Sized(gates, count * 4, nameof(gates)), pv = Sized(previous, count, nameof(previous));
        ArrayView<float> mv = Optional(mask, batch, nameof(mask)), dsv = Optional(dSequence, count, nameof(dSequence));
        ArrayView<float> dhv = Sized(dh, count, nameof(dh));
        ArrayView<float> dig = Sized(dInputGates, count * 3, nameof(dInputGates)), drg = Sized(dRecurrentGates, count * 3, nameof(dRecurrentGates));
        RecurrentKernels.GruBackward(gv, pv, mv, dsv, dhv, dig, drg, units);
    }

    /// <inheritdoc/>
    public void EmbeddingForward(Buf ids, Buf table, Buf y, Buf mask, int batch, int steps, int vocabulary, int width)
    {
        long tokens = Count(batch, steps);
        ArrayView<float> iv = Sized(ids, tokens, nameof(ids));
        ArrayView<float> tv = Sized(table, Count(vocabulary, width), nameof(table));
        ArrayView<float> yv = Sized(y, tokens * Count(1, width), nameof(y));
        ArrayView<float> mv = Optional(mask, tokens, nameof(mask));
        CheckIds(iv, batch, steps, vocabulary);
        EmbeddingKernels.Forward(iv, tv, yv, mv, width);
    }

    /// <inheritdoc/>
    public void EmbeddingBackward(Buf ids, Buf dy, Buf dTable, int batch, int steps, int vocabulary, int width)
    {
        long tokens = Count(batch, steps);
        ArrayView<float> iv = Sized(ids, tokens, nameof(ids));
        ArrayView<float> dyv = Sized(dy, tokens * Count(1, width), nameof(dy));
        ArrayView<float> dtv = Sized(dTable, Count(vocabulary, width), nameof(dTable));
        CheckIds(iv, batch, steps, vocabulary);
        EmbeddingKernels.Backward(iv, dyv, dtv, width);
    }

    /// <summary>SimpleRNN's activations, refused as the CPU back end refuses them.</summary>
    private static void CheckRnnActivation(ActivationKind activation)
    {
        if (activation is not (ActivationKind.Tanh or ActivationKind.ReLU))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "SimpleRNN takes Tanh or ReLU.");
        }
    }

    /// <summary>An empty view ("none", still checked to fit the arena) or the first <paramref name="needed"/> floats of a view that must hold them.</summary>
    private ArrayView<float> Optional(Buf view, long needed, string name) => view.Length == 0 ? View(view, name) : Sized(view, needed, name);

    /// <summary>
    /// Downloads the (B, T) token ids (waiting for the kernels that may write them) into a host buffer kept for the
    /// next call and refuses them as the CPU back end does, naming the first bad id's sample and position.
    /// </summary>
    private void CheckIds(ArrayView<float> ids, int batch, int steps, int vocabulary)
    {
        int tokens = (int)ids.Length;
        if (tokens == 0)
        {
            return;
        }

        if (_hostIds.Length < tokens)
        {
            _hostIds = new float[tokens];
        }

        _accelerator.Synchronize();
        unsafe
        {
            fixed (float* pinned = _hostIds)
            {
                ids.CopyToCPU(ref *pinned, tokens);
            }
        }
        TokenIds.Require(_hostIds.AsSpan(0, tokens), batch, steps, vocabulary);
    }
}
