namespace ModelGen.Tools.Fuzz;

/// <summary>What became of one input.</summary>
internal enum FuzzOutcome
{
    /// <summary>The loader returned.</summary>
    Loaded,

    /// <summary>The loader threw one of the exception types it documents, and changed nothing.</summary>
    Refused,

    /// <summary>The loader threw a documented type but left its state changed.</summary>
    PartialLoad,

    /// <summary>The loader threw an exception of a type it does not document.</summary>
    Crash,

    /// <summary>The loader did not return within the time limit.</summary>
    Hang,
}
