using System.IO.Enumeration;

namespace ModelGen;

/// <summary>
/// Writes files so that a crash never leaves a half-written one: a temporary file beside the target, then a rename.
/// The temporary file of target <c>name</c> is <c>.name.&lt;32 hexadecimal digits&gt;.tmp</c>; a process killed while
/// writing leaves it behind, and the next write of the same target removes every such file no writer still holds.
/// </summary>
internal static class AtomicFile
{
    private const string TemporarySuffix = ".tmp";
    private const int RandomDigits = 32;

    /// <summary>Writes to <paramref name="path"/> atomically what <paramref name="write"/> writes to a stream.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        string name = Path.GetFileName(full);
        if (name.Length == 0)
        {
            throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        }

        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{folder}' does not exist.");
        }

        RemoveStaleTemporaries(folder, name);
        string temporary = Path.Combine(folder, "." + name + "." + Guid.NewGuid().ToString("N") + TemporarySuffix);
        try
        {
            // FileShare.Delete lets the rename below happen while the stream is still open (Windows); on Unix the open
            // stream holds a shared lock that tells RemoveStaleTemporaries this file is still being written.
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.Delete);
            write(stream);
            stream.Flush(flushToDisk: true);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception error)
        {
            TryDelete(temporary);

            // The file system names the temporary file; the user knows only their own path. Same exception types.
            Exception? named = error switch
            {
                DirectoryNotFoundException => new DirectoryNotFoundException($"Cannot write '{path}': {error.Message}", error),
                UnauthorizedAccessException => new UnauthorizedAccessException($"Cannot write '{path}': {error.Message}", error),
                IOException when error.GetType() == typeof(IOException) && !error.Message.Contains(full, StringComparison.Ordinal) =>
                    new IOException($"Cannot write '{path}': {error.Message}", error),
                _ => null,
            };
            if (named is null)
            {
                throw;
            }

            throw named;
        }
    }

    /// <summary>Whether <paramref name="fileName"/> is a temporary file of target <paramref name="target"/> as <see cref="Write"/> names them.</summary>
    public static bool IsTemporaryOf(ReadOnlySpan<char> fileName, ReadOnlySpan<char> target)
    {
        // "." + target + "." + 32 lower-case hexadecimal digits + ".tmp"
        if (fileName.Length != 1 + target.Length + 1 + RandomDigits + TemporarySuffix.Length
            || fileName[0] != '.'
            || !fileName.Slice(1, target.Length).SequenceEqual(target)
            || fileName[1 + target.Length] != '.'
            || !fileName.EndsWith(TemporarySuffix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in fileName.Slice(2 + target.Length, RandomDigits))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // Deletes what killed writers of this target left behind. A writer still at work holds its file open: on Unix with
    // a shared lock (FileShare.Delete above), which the exclusive lock asked for here cannot take; on Windows with a
    // share mode that refuses this open. Either way the open fails and the file is left to its writer. Only files
    // matching the target's exact pattern are candidates; failures to remove one never fail the write.
    private static void RemoveStaleTemporaries(string folder, string name)
    {
        var candidates = new FileSystemEnumerable<string>(folder, (ref FileSystemEntry entry) => entry.ToFullPath(), new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && IsTemporaryOf(entry.FileName, name),
        };

        try
        {
            foreach (string candidate in candidates)
            {
                try
                {
                    using var held = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                    File.Delete(candidate);
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    // Still being written, gone already, or not ours to remove.
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The folder cannot be listed: nothing to clean, and the write itself will say what is wrong.
        }
    }

    private static void TryDelete(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The write's own error is the one to report.
        }
    }
}
