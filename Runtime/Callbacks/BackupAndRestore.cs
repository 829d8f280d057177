namespace ModelGen;

/// <summary>
/// Keras' <c>BackupAndRestore</c>: after every epoch a training checkpoint (<see cref="CompiledModel.SaveCheckpoint"/>:
/// weights, optimizer state, the epochs done, the dropout and shuffling streams and every callback's state) is written
/// to <see cref="CheckpointPath"/> in <see cref="BackupDirectory"/>, atomically; a later <see cref="CompiledModel.Fit"/>
/// with the same callbacks that finds it there (the run was killed or failed) restores it before training and continues
/// after its last finished epoch, so the interrupted run ends as one that never stopped, bitwise. When training ends
/// normally (its epochs done, or stopped by a callback) the backup is deleted, unless <see cref="DeleteCheckpoint"/> is
/// false.
/// </summary>
/// <remarks>
/// Keras deletes the whole backup directory; this deletes only its own file, and the directory only when that leaves
/// it empty, so nothing else a user keeps there is lost. Keras' <c>save_freq</c> in batches and <c>double_checkpoint</c>
/// are not offered: the backup is per epoch, and each write replaces the last through a rename, so a kill mid-write
/// leaves the previous backup whole. The backup is taken after every callback's <see cref="Callback.OnEpochEnd"/>, so the
/// callbacks' state in it (EarlyStopping's wait, ReduceLROnPlateau's cooldown) is the epoch's final one.
/// </remarks>
public sealed class BackupAndRestore : Callback
{
    private Callback[] _callbacks = [];

    /// <summary>Backs training up into <paramref name="backupDirectory"/> (created when missing) after every epoch.</summary>
    /// <param name="backupDirectory">Where the backup is kept; use one directory per training run.</param>
    /// <param name="deleteCheckpoint">Whether the backup is deleted when training ends normally (true, Keras' default).</param>
    public BackupAndRestore(string backupDirectory, bool deleteCheckpoint = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupDirectory);
        BackupDirectory = backupDirectory;
        DeleteCheckpoint = deleteCheckpoint;
    }

    /// <summary>Where the backup is kept.</summary>
    public string BackupDirectory { get; }

    /// <summary>Whether the backup is deleted when training ends normally.</summary>
    public bool DeleteCheckpoint { get; }

    /// <summary>The backup file: <c>backup.mgckpt</c> in <see cref="BackupDirectory"/>.</summary>
    public string CheckpointPath => Path.Combine(BackupDirectory, "backup.mgckpt");

    /// <summary>
    /// Before training (called by Fit, with every callback of the run): restores the backup when there is one and
    /// returns the epochs it had done, else null.
    /// </summary>
    internal int? Restore(CompiledModel model, Optimizer optimizer, Callback[] callbacks)
    {
        _callbacks = callbacks;
        return File.Exists(CheckpointPath) ? model.LoadCheckpoint(CheckpointPath, optimizer, callbacks) : null;
    }

    /// <summary>After every callback's OnEpochEnd of epoch <paramref name="epoch"/> (0-based): writes the backup.</summary>
    internal void Backup(int epoch)
    {
        CompiledModel model = RequireModel();
        if (!model.IsWriter)
        {
            // Data-parallel training: rank 0 alone writes the backup every rank restores from.
            return;
        }

        Directory.CreateDirectory(BackupDirectory);
        model.SaveCheckpoint(CheckpointPath, model.Optimizer ?? throw new InvalidOperationException("BackupAndRestore needs the optimizer Fit trains with."),
            epoch + 1, _callbacks);
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (!DeleteCheckpoint || Model?.IsWriter == false || !File.Exists(CheckpointPath))
        {
            return;
        }

        File.Delete(CheckpointPath);
        if (!Directory.EnumerateFileSystemEntries(BackupDirectory).Any())
        {
            Directory.Delete(BackupDirectory);
        }
    }
}
