using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>The recurrent operations (<c>IBackend.Recurrent.cs</c>), timed and forwarded like the others.</summary>
internal sealed partial class ProfilingBackend
{
    public void SequenceTranspose(Buf source, Buf destination, int outer, int inner, int width) =>
        Time($"SequenceTranspose ({outer}, {inner}, {width})", () => Inner.SequenceTranspose(source, destination, outer, inner, width));

    public void RnnStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf h, int batch, int units, ActivationKind activation) =>
        Time($"RnnStepForward {activation} ({batch}, {units}){Masked(mask)}",
            () => inner.RnnStepForward(xp, hp, biasIh, biasHh, previous, mask, h, batch, units, activation));

    public void RnnStepBackward(Buf h, Buf mask, Buf dSequence, Buf dh, Buf dGates, int batch, int units, ActivationKind activation) =>
        Time($"RnnStepBackward {activation} ({batch}, {units}){Masked(mask)}",
            () => inner.RnnStepBackward(h, mask, dSequence, dh, dGates, batch, units, activation));

    public void LstmStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previousH, Buf previousC, Buf mask,
        Buf gates, Buf h, Buf c, int batch, int units) =>
        Time($"LstmStepForward ({batch}, {units}){Masked(mask)}",
            () => inner.LstmStepForward(xp, hp, biasIh, biasHh, previousH, previousC, mask, gates, h, c, batch, units));

    public void LstmStepBackward(Buf gates, Buf previousC, Buf c, Buf mask, Buf dSequence, Buf dh, Buf dc, Buf dGates, int batch, int units) =>
        Time($"LstmStepBackward ({batch}, {units}){Masked(mask)}",
            () => inner.LstmStepBackward(gates, previousC, c, mask, dSequence, dh, dc, dGates, batch, units));

    public void GruStepForward(Buf xp, Buf hp, Buf biasIh, Buf biasHh, Buf previous, Buf mask, Buf gates, Buf h, int batch, int units) =>
        Time($"GruStepForward ({batch}, {units}){Masked(mask)}",
            () => inner.GruStepForward(xp, hp, biasIh, biasHh, previous, mask, gates, h, batch, units));

    public void GruStepBackward(Buf gates, Buf previous, Buf mask, Buf dSequence, Buf dh, Buf dInputGates, Buf dRecurrentGates, int batch, int units) =>
        Time($"GruStepBackward ({batch}, {units}){Masked(mask)}",
            () => inner.GruStepBackward(gates, previous, mask, dSequence, dh, dInputGates, dRecurrentGates, batch, units));

    public void EmbeddingForward(Buf ids, Buf table, Buf y, Buf mask, int batch, int steps, int vocabulary, int width) =>
        Time($"EmbeddingForward ({batch}, {steps}) of ({vocabulary}, {width}){(mask.Length == 0 ? "" : " + mask")}",
            () => inner.EmbeddingForward(ids, table, y, mask, batch, steps, vocabulary, width));

    public void EmbeddingBackward(Buf ids, Buf dy, Buf dTable, int batch, int steps, int vocabulary, int width) =>
        Time($"EmbeddingBackward ({batch}, {steps}) of ({vocabulary}, {width})",
            () => inner.EmbeddingBackward(ids, dy, dTable, batch, steps, vocabulary, width));

    // The wrapped back end under another name: SequenceTranspose's parameter 'inner' hides the constructor's.
    private IBackend Inner => inner;

    private static string Masked(Buf mask) => mask.Length == 0 ? "" : " masked";
}
