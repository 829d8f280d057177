using ModelGen.Data.Text;

namespace ModelGen.Samples.SmsSpam;

/// <summary>One part of the split: its messages, labels and padded word ids, row by row.</summary>
public sealed class SmsPart
{
    internal SmsPart(int[] sourceRows, string[] texts, float[] labels, PaddedSequences ids)
    {
        SourceRows = sourceRows;
        Texts = texts;
        Labels = labels;
        Ids = ids;
    }

    /// <summary>Each row's index in the corpus file (0-based, in file order).</summary>
    public int[] SourceRows { get; }

    /// <summary>The messages.</summary>
    public string[] Texts { get; }

    /// <summary>1 for spam, 0 for ham.</summary>
    public float[] Labels { get; }

    /// <summary>The word ids, padded and truncated at the start to the sequence length.</summary>
    public PaddedSequences Ids { get; }

    /// <summary>The number of messages.</summary>
    public int Count => Texts.Length;

    /// <summary>The number of spam messages.</summary>
    public int SpamCount => Labels.Count(l => l == 1);

    /// <summary>The ids as a network's input (floats, one row of <see cref="PaddedSequences.Length"/> per message) and the labels as its target.</summary>
    public Dataset ToDataset() => new(Ids.ToSingles(), Ids.Length, Labels, 1);
}
