namespace ModelGen;

public abstract partial class CompiledModel
{
    /// <summary>
    /// Saves every weight (trainable parameters and BatchNorm running statistics) to <paramref name="path"/> in the
    /// safetensors format, PyTorch's names and layouts, through a temporary file renamed over the target. Temporary
    /// files that earlier saves of the same target left behind (a process killed while saving) are removed.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    /// <exception cref="ObjectDisposedException">The model has been disposed.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var weights = new float[WeightCount];
        ReadWeights(weights);
        byte[] file = SafeTensors.Encode(Layout, weights);
        AtomicFile.Write(path, stream => stream.Write(file));
    }

    /// <summary>
    /// Loads every weight from a safetensors file written for this model, or PyTorch's state_dict of the same network.
    /// The whole file is checked first (header, every name present and no other but PyTorch's BatchNorm
    /// <c>num_batches_tracked</c>, which is accepted and not read, dtypes, shapes, byte ranges, size, finite values, BatchNorm running variances
    /// not negative); a file that differs is refused with an <see cref="InvalidDataException"/> naming the file and
    /// saying how, and the model is left unchanged. A folder, a pipe or a device is refused without being read; of a
    /// file, no more is read than its 8-byte header length, its header (at most 100,000,000 bytes, the bound of the
    /// format's reference implementation) and the model's weights.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a weight file for this model, or changed while it was read.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file system failed to open or read the file.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="ObjectDisposedException">The model has been disposed.</exception>
    public void Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _ = Backend; // a disposed model says so before the file is read
        var weights = new float[WeightCount];
        SafeTensors.Read(Layout, path, weights);
        Backend.Upload(weights, WeightRegion);
    }
}
