namespace ModelGen;

public abstract partial class CompiledModel
{
    /// <summary>
    /// Saves every weight (trainable parameters and BatchNorm running statistics) to <paramref name="path"/> in the
    /// safetensors format, PyTorch's names and layouts, through a temporary file renamed over the target.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var weights = new float[WeightCount];
        ReadWeights(weights);
        byte[] file = SafeTensors.Encode(Layout, weights);
        AtomicFile.Write(path, stream => stream.Write(file));
    }

    /// <summary>
    /// Loads every weight from a safetensors file written for this model. The whole file is checked first (header,
    /// every name present and no other, dtypes, shapes, byte ranges, size, finite values); a file that differs is
    /// refused with an <see cref="InvalidDataException"/> saying how, and the model is left unchanged.
    /// </summary>
    public void Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] file = File.ReadAllBytes(path);
        var weights = new float[WeightCount];
        SafeTensors.Decode(Layout, file, weights, path);
        Backend.Upload(weights, WeightRegion);
    }
}
