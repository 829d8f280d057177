namespace ModelGen.Samples.FashionVqa;

/// <summary>Writes an output file through a temporary file beside it and a rename, so that no reader sees half a file.</summary>
internal static class AtomicWrite
{
    public static void Bytes(string path, ReadOnlySpan<byte> bytes)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + ".tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
