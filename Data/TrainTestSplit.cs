namespace ModelGen.Data;

/// <summary>
/// Seeded train/test splits of row indices, as scikit-learn's train_test_split with train_size: the training part
/// has floor(trainSize * rows) rows, the test part the rest. With stratification each class keeps its share in
/// both parts (scikit-learn's StratifiedShuffleSplit allocation, largest remainders first, ties broken at random).
/// The random draws follow numpy's RandomState(seed) step for step, so a split picks the same rows, in the same
/// order, as scikit-learn's train_test_split(random_state=seed, stratify=labels or None).
/// </summary>
public static class TrainTestSplit
{
    /// <summary>Shuffles rows 0..<paramref name="rows"/>-1 and splits them.</summary>
    public static TrainTestIndices Split(int rows, double trainSize, int seed)
    {
        var (train, test) = Sizes(rows, trainSize);
        var random = Random(seed);
        var order = random.Permutation(rows);
        return new TrainTestIndices(order[test..(test + train)], order[..test]);
    }

    /// <summary>Splits the rows of <paramref name="labels"/>, keeping each label's share in both parts when <paramref name="stratify"/> is set.</summary>
    /// <exception cref="ArgumentException">A label is missing, or a class has fewer than 2 rows, or a part is smaller than the number of classes.</exception>
    public static TrainTestIndices Split(Column labels, double trainSize, int seed, bool stratify = true)
    {
        ArgumentNullException.ThrowIfNull(labels);
        for (var row = 0; row < labels.Length; row++)
        {
            if (labels.IsMissing(row)) throw new ArgumentException($"Label column {Untrusted.Quote(labels.Name)} is missing at row {row}.", nameof(labels));
        }
        if (!stratify) return Split(labels.Length, trainSize, seed);
        return labels.Kind == ColumnKind.Numeric
            ? Split(labels.NumberArray, trainSize, seed, stratify)
            : Split(labels.TextArray.Select(t => t!).ToArray(), trainSize, seed, stratify);
    }

    /// <summary>Splits the rows of <paramref name="labels"/>; see <see cref="Split(Column, double, int, bool)"/>.</summary>
    public static TrainTestIndices Split<T>(IReadOnlyList<T> labels, double trainSize, int seed, bool stratify = true)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!stratify) return Split(labels.Count, trainSize, seed);
        var (train, test) = Sizes(labels.Count, trainSize);

        // Classes in sorted order, as numpy.unique gives them (text by code point).
        var order = typeof(T) == typeof(string) ? (IComparer<T>)StringComparer.Ordinal : Comparer<T>.Default;
        var classes = labels.Distinct().Order(order).ToArray();
        var classOf = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var members = classes.Select(_ => new List<int>()).ToArray();
        for (var row = 0; row < labels.Count; row++) members[classOf[labels[row]]].Add(row);
        var counts = members.Select(m => m.Count).ToArray();

        var smallest = Array.IndexOf(counts, counts.Min());
        if (counts[smallest] < 2)
            throw new ArgumentException($"Class {Untrusted.Quote(classes[smallest].ToString())} has {counts[smallest]} row; stratifying needs at least 2 per class.", nameof(labels));
        if (train < classes.Length || test < classes.Length)
            throw new ArgumentException($"The parts ({train} train, {test} test rows) must each hold at least one row of each of the {classes.Length} classes.", nameof(trainSize));

        var random = Random(seed);
        var trainCounts = ApproximateMode(counts, train, random);
        var testCounts = ApproximateMode([.. counts.Zip(trainCounts, (c, t) => c - t)], test, random);
        var trainRows = new List<int>(train);
        var testRows = new List<int>(test);
        for (var c = 0; c < classes.Length; c++)
        {
            var permutation = random.Permutation(counts[c]);
            for (var i = 0; i < trainCounts[c]; i++) trainRows.Add(members[c][permutation[i]]);
            for (var i = trainCounts[c]; i < trainCounts[c] + testCounts[c]; i++) testRows.Add(members[c][permutation[i]]);
        }
        int[] trainPart = [.. trainRows], testPart = [.. testRows];
        random.Shuffle(trainPart);
        random.Shuffle(testPart);
        return new TrainTestIndices(trainPart, testPart);
    }

    /// <summary>
    /// Splits <paramref name="draws"/> among classes in proportion to <paramref name="counts"/>: floors first, then one
    /// more to the largest remainders, ties broken at random (scikit-learn's _approximate_mode).
    /// </summary>
    internal static int[] ApproximateMode(int[] counts, int draws, NumpyRandomState random)
    {
        var total = counts.Sum();
        var continuous = counts.Select(c => (double)c / total * draws).ToArray();
        var result = continuous.Select(v => (int)Math.Floor(v)).ToArray();
        var needed = draws - result.Sum();
        var remainders = continuous.Select((v, i) => v - result[i]).ToArray();
        foreach (var value in remainders.Distinct().OrderDescending())
        {
            if (needed <= 0) break;
            var tied = Enumerable.Range(0, counts.Length).Where(i => remainders[i] == value).ToArray();
            // numpy's choice(tied, size, replace=False) is permutation(len(tied))[:size].
            foreach (var i in random.Permutation(tied.Length).Take(needed)) result[tied[i]]++;
            needed -= Math.Min(tied.Length, needed);
        }
        return result;
    }

    private static (int Train, int Test) Sizes(int rows, double trainSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (!(trainSize > 0 && trainSize < 1))
            throw new ArgumentOutOfRangeException(nameof(trainSize), trainSize, "The train size is a fraction strictly between 0 and 1.");
        var train = (int)Math.Floor(trainSize * rows);
        var test = rows - train;
        if (train == 0 || test == 0)
            throw new ArgumentException($"A train size of {trainSize} leaves {train} train and {test} test rows out of {rows}; both need at least one.", nameof(trainSize));
        return (train, test);
    }

    private static NumpyRandomState Random(int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        return new NumpyRandomState((uint)seed);
    }
}
