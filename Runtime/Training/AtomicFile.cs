namespace ModelGen;

/// <summary>Writes files so that a crash never leaves a half-written one: a temporary file beside the target, then a rename.</summary>
internal static class AtomicFile
{
    /// <summary>Writes to <paramref name="path"/> atomically what <paramref name="write"/> writes to a stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string temporary = TemporaryPath(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static string TemporaryPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        return Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
    }
}
