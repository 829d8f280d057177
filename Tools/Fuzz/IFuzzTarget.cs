namespace ModelGen.Tools.Fuzz;

/// <summary>
/// One loader under fuzzing. For each input the runner asks <see cref="NextInput"/> for bytes, writes them to a file
/// named with <see cref="Extension"/>, calls <see cref="Load"/> on it under a time limit, and sorts the result: loaded
/// (it returned), refused (it threw one of <see cref="Refusals"/>), partial load (refused, but
/// <see cref="ChangedByRefusal"/> says state changed), crash (any other exception), hang (over the time limit), and,
/// apart from those, over the memory bound (<see cref="AllocationLimit"/>).
/// </summary>
/// <remarks>
/// To fuzz another loader: a class implementing this interface in a file of its own (WeightsTarget.cs is the
/// example) and one line in <see cref="FuzzTargets"/>. A target that holds resources may implement
/// <see cref="IDisposable"/>; the runner disposes it. After a hang the runner abandons the instance (its thread is
/// still inside <see cref="Load"/>) and makes a fresh one from the registry.
/// </remarks>
internal interface IFuzzTarget
{
    /// <summary>The exception types the loader documents for refusing an input, exact types: any other is a crash.</summary>
    IReadOnlyCollection<Type> Refusals { get; }

    /// <summary>The extension of the input files, such as ".safetensors" or ".csv.gz": some loaders go by it.</summary>
    string Extension { get; }

    /// <summary>
    /// The next input, drawn from <paramref name="random"/> alone (the same seed gives the same inputs): most often a
    /// valid file of the loader's format, mutated; <c>Kind</c> names the mutation, for the report.
    /// </summary>
    (string Kind, byte[] Bytes) NextInput(Random random);

    /// <summary>Loads the file at <paramref name="path"/>: returns when it loaded, throws when it refused.</summary>
    void Load(string path);

    /// <summary>
    /// Asked after a refused <see cref="Load"/>: whether state the loader owns differs from before that call (a
    /// partial load). A loader that only returns a new object changes nothing and answers false.
    /// </summary>
    bool ChangedByRefusal();

    /// <summary>The most bytes one <see cref="Load"/> of an input of <paramref name="inputLength"/> bytes should allocate.</summary>
    long AllocationLimit(long inputLength);
}
