namespace ModelGen.Data.Text;

/// <summary>Keras' <c>pad_sequences</c>: sequences of ids made one length by padding and truncating.</summary>
public static class SequencePadding
{
    /// <summary>
    /// Pads each sequence with <paramref name="value"/> up to <paramref name="length"/> and truncates longer ones to
    /// it, at the ends that <paramref name="padding"/> and <paramref name="truncating"/> name. Keras' defaults pad and
    /// truncate at the start ('pre'): a long text keeps its last tokens, a short one ends at the last position.
    /// </summary>
    /// <param name="sequences">The id sequences, any lengths.</param>
    /// <param name="length">Keras' <c>maxlen</c>; null for the longest sequence's length.</param>
    /// <param name="padding">Where padding goes.</param>
    /// <param name="truncating">Which end a long sequence loses.</param>
    /// <param name="value">The padding id.</param>
    public static PaddedSequences Pad(IReadOnlyList<int[]> sequences, int? length = null,
        SequenceSide padding = SequenceSide.Pre, SequenceSide truncating = SequenceSide.Pre, int value = Tokenizer.PaddingId)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (length is int given) ArgumentOutOfRangeException.ThrowIfNegative(given, nameof(length));
        RequireSide(padding, nameof(padding));
        RequireSide(truncating, nameof(truncating));
        for (var i = 0; i < sequences.Count; i++)
        {
            if (sequences[i] is null) throw new ArgumentException($"Sequence {i} is null.", nameof(sequences));
        }

        var width = length ?? (sequences.Count == 0 ? 0 : sequences.Max(s => s.Length));
        var ids = new int[sequences.Count * width];
        Array.Fill(ids, value);
        for (var row = 0; row < sequences.Count; row++)
        {
            ReadOnlySpan<int> sequence = sequences[row];
            if (sequence.Length > width)
                sequence = truncating == SequenceSide.Pre ? sequence[^width..] : sequence[..width];
            var start = row * width + (padding == SequenceSide.Pre ? width - sequence.Length : 0);
            sequence.CopyTo(ids.AsSpan(start, sequence.Length));
        }
        return new PaddedSequences(ids, sequences.Count, width);
    }

    private static void RequireSide(SequenceSide side, string name)
    {
        if (side is not (SequenceSide.Pre or SequenceSide.Post))
            throw new ArgumentOutOfRangeException(name, side, "Expected SequenceSide.Pre or SequenceSide.Post.");
    }
}
