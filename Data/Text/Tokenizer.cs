namespace ModelGen.Data.Text;

/// <summary>
/// Turns texts into word ids as Keras' <c>Tokenizer(num_words, oov_token=...)</c> does: each text is lower-cased,
/// every filter character is replaced by the split string, and the text is split on it (empty pieces dropped). Fitted
/// on training texts, the words are ranked by count, most frequent first, equal counts in the order the words were
/// first seen. Id 0 is padding, id 1 the out-of-vocabulary token, and the word of rank r (from 0) has id r + 2; with
/// <see cref="NumWords"/> set, every id is below it, so only the <c>NumWords - 2</c> most frequent words keep their
/// own id and the others read as the out-of-vocabulary id (Keras' rule: a word whose index is at least num_words is
/// out of vocabulary). The ids then fit an embedding of <see cref="VocabularySize"/> rows.
/// </summary>
public sealed partial class Tokenizer
{
    /// <summary>Keras' default filters: <c>!"#$%&amp;()*+,-./:;&lt;=&gt;?@[\]^_`{|}~</c>, tab and newline.</summary>
    public const string DefaultFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

    /// <summary>The out-of-vocabulary token's default spelling; it can never be a word (it holds filter characters).</summary>
    public const string DefaultOutOfVocabularyToken = "<OOV>";

    /// <summary>The id that pads a sequence to its fixed length.</summary>
    public const int PaddingId = 0;

    /// <summary>The id of every word outside the vocabulary.</summary>
    public const int OutOfVocabularyId = 1;

    /// <summary>The id of the most frequent word.</summary>
    public const int FirstWordId = 2;

    private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly List<string> firstSeen = [];
    private readonly HashSet<char> filterSet;
    private Dictionary<string, int> ranks = new(StringComparer.Ordinal);
    private string[] ranked = [];

    /// <summary>A tokenizer to fit, with Keras' defaults except that an out-of-vocabulary token is always used.</summary>
    /// <param name="numWords">Keras' <c>num_words</c>: every id is below it (at least 2: padding and out-of-vocabulary); null keeps every fitted word.</param>
    /// <param name="outOfVocabularyToken">Keras' <c>oov_token</c>, the name of id 1 (it must not be a possible word).</param>
    /// <param name="lower">Whether texts are lower-cased first.</param>
    /// <param name="filters">Characters replaced by <paramref name="split"/> before splitting.</param>
    /// <param name="split">The separator of words.</param>
    public Tokenizer(int? numWords = null, string outOfVocabularyToken = DefaultOutOfVocabularyToken, bool lower = true,
        string filters = DefaultFilters, string split = " ")
    {
        if (numWords is int n && n < FirstWordId)
            throw new ArgumentOutOfRangeException(nameof(numWords), numWords, $"num_words must be at least {FirstWordId} (padding and the out-of-vocabulary id), or null for every word.");
        ArgumentException.ThrowIfNullOrEmpty(outOfVocabularyToken);
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentException.ThrowIfNullOrEmpty(split);
        NumWords = numWords;
        OutOfVocabularyToken = outOfVocabularyToken;
        Lower = lower;
        Filters = filters;
        Split = split;
        filterSet = [.. filters];

        // Keras would let a text word equal to the token take over id 1's name; refuse a token that could be a word.
        if (Words(outOfVocabularyToken) is [var only] && only == outOfVocabularyToken)
            throw new ArgumentException($"The out-of-vocabulary token {Untrusted.Quote(outOfVocabularyToken)} could be a word of a text; give it a filter character (as '{DefaultOutOfVocabularyToken}') or an upper-case letter.", nameof(outOfVocabularyToken));
    }

    /// <summary>Keras' <c>num_words</c>: every id is below it; null when every fitted word keeps its id.</summary>
    public int? NumWords { get; }

    /// <summary>The name of id 1.</summary>
    public string OutOfVocabularyToken { get; }

    /// <summary>Whether texts are lower-cased before splitting.</summary>
    public bool Lower { get; }

    /// <summary>The characters replaced by <see cref="Split"/> before splitting.</summary>
    public string Filters { get; }

    /// <summary>The separator of words.</summary>
    public string Split { get; }

    /// <summary>Texts fitted so far (Keras' <c>document_count</c>).</summary>
    public int DocumentCount { get; private set; }

    /// <summary>Whether <see cref="Fit"/> has seen at least one text.</summary>
    public bool IsFitted => DocumentCount > 0;

    /// <summary>Every fitted word by rank, most frequent first: word <c>i</c> has id <c>i + 2</c> (Keras' word_index) if that is below <see cref="NumWords"/>.</summary>
    public IReadOnlyList<string> RankedWords => ranked;

    /// <summary>The words that keep their own id, most frequent first: the first <c>VocabularySize - 2</c> of <see cref="RankedWords"/>.</summary>
    public IReadOnlyList<string> Vocabulary => ranked.Length <= VocabularySize - FirstWordId ? ranked : ranked[..(VocabularySize - FirstWordId)];

    /// <summary>The number of ids, padding and out-of-vocabulary included: every id is below it; an embedding needs this many rows.</summary>
    public int VocabularySize => NumWords ?? ranked.Length + FirstWordId;

    /// <summary>How many times <paramref name="word"/> occurred in the fitted texts (0 if never).</summary>
    public int Count(string word) => counts.GetValueOrDefault(word);

    /// <summary>The id of <paramref name="word"/> (already lower-cased and filtered): its own, or <see cref="OutOfVocabularyId"/>.</summary>
    public int Id(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        RequireFitted();
        return ranks.TryGetValue(word, out var rank) && rank + FirstWordId < VocabularySize ? rank + FirstWordId : OutOfVocabularyId;
    }

    /// <summary>The word of <paramref name="id"/>: "" for padding, the token for id 1, else the ranked word.</summary>
    public string Word(int id)
    {
        RequireFitted();
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Math.Min(VocabularySize, ranked.Length + FirstWordId));
        return id switch
        {
            PaddingId => "",
            OutOfVocabularyId => OutOfVocabularyToken,
            _ => ranked[id - FirstWordId],
        };
    }

    /// <summary>
    /// Counts the words of <paramref name="texts"/> and ranks every word seen so far (Keras' <c>fit_on_texts</c>; a
    /// second call adds to the counts of the first). Fit on the training texts only.
    /// </summary>
    /// <returns>This tokenizer.</returns>
    public Tokenizer Fit(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var documents = 0;
        foreach (var text in texts)
        {
            if (text is null) throw new ArgumentException($"Text {documents} is null.", nameof(texts));
            foreach (var word in Words(text))
            {
                if (counts.TryGetValue(word, out var count)) counts[word] = count + 1;
                else
                {
                    counts[word] = 1;
                    firstSeen.Add(word);
                }
            }
            documents++;
        }
        DocumentCount += documents;
        Rank();
        return this;
    }

    /// <summary>The ids of the words of <paramref name="text"/>, one per word (Keras' <c>texts_to_sequences</c> for one text).</summary>
    public int[] TextToSequence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        RequireFitted();
        return [.. Words(text).Select(Id)];
    }

    /// <summary>The ids of each text's words (Keras' <c>texts_to_sequences</c>).</summary>
    public int[][] TextsToSequences(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return [.. texts.Select(TextToSequence)];
    }

    /// <summary>
    /// Each text's ids padded or truncated to <paramref name="length"/> (Keras' <c>pad_sequences(texts_to_sequences(texts), maxlen=length)</c>);
    /// see <see cref="SequencePadding.Pad"/>.
    /// </summary>
    public PaddedSequences TextsToPaddedSequences(IEnumerable<string> texts, int length,
        SequenceSide padding = SequenceSide.Pre, SequenceSide truncating = SequenceSide.Pre) =>
        SequencePadding.Pad(TextsToSequences(texts), length, padding, truncating);

    /// <summary>The words of <paramref name="text"/> with this tokenizer's settings.</summary>
    public string[] Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TextToWordSequence(text, filterSet, Lower, Split);
    }

    /// <summary>
    /// Keras' <c>text_to_word_sequence</c>: lower-cases <paramref name="text"/> (invariant culture), replaces each
    /// character of <paramref name="filters"/> by <paramref name="split"/>, splits on it and drops empty pieces.
    /// </summary>
    public static string[] TextToWordSequence(string text, string filters = DefaultFilters, bool lower = true, string split = " ")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentException.ThrowIfNullOrEmpty(split);
        return TextToWordSequence(text, [.. filters], lower, split);
    }

    private static string[] TextToWordSequence(string text, HashSet<char> filters, bool lower, string split)
    {
        if (lower) text = text.ToLowerInvariant();
        var replaced = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (filters.Contains(c)) replaced.Append(split);
            else replaced.Append(c);
        }
        return replaced.ToString().Split(split, StringSplitOptions.RemoveEmptyEntries);
    }

    // Keras sorts word_counts' (insertion-ordered) items by count, descending, with a stable sort: equal counts keep
    // the order in which the words were first seen.
    private void Rank()
    {
        ranked = [.. firstSeen.OrderByDescending(w => counts[w])];
        ranks = new Dictionary<string, int>(ranked.Length, StringComparer.Ordinal);
        for (var i = 0; i < ranked.Length; i++) ranks[ranked[i]] = i;
    }

    private void RequireFitted()
    {
        if (!IsFitted) throw new InvalidOperationException("The tokenizer is not fitted; call Fit with the training texts (or Load a saved one) first.");
    }
}
