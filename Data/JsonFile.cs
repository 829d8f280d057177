namespace ModelGen.Data;

/// <summary>
/// Reads the bytes of a saved JSON file (a preparation, a tokenizer) with bounds: a file that is empty by its size,
/// as devices and pipes are, or larger than the limit is refused before it is opened, and a stream is read only up to
/// the limit and only while it starts like a JSON object, so /dev/zero or a stray binary file costs one chunk.
/// </summary>
internal static class JsonFile
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>The bytes of the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A folder, empty, not a regular file, over <paramref name="maxBytes"/>, or not starting like a JSON object.</exception>
    public static byte[] Read(string path, long maxBytes)
    {
        if (Directory.Exists(path)) throw new InvalidDataException("it is a folder, not a file");
        var info = new FileInfo(path);
        if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target) info = target;
        if (info.Exists)
        {
            // Character devices, pipes and sockets report size 0; opening a pipe would wait for a writer.
            if (info.Length == 0) throw new InvalidDataException("the file is empty, or not a regular file (a device or a pipe)");
            if (info.Length > maxBytes) throw TooLarge(maxBytes, info.Length);
        }
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Read(file, maxBytes);
    }

    /// <summary>The bytes of <paramref name="stream"/>, read to its end.</summary>
    /// <exception cref="InvalidDataException">Over <paramref name="maxBytes"/> or not starting like a JSON object.</exception>
    public static byte[] Read(Stream stream, long maxBytes)
    {
        var bytes = new byte[(int)Math.Min(ChunkSize, maxBytes + 1)];
        var length = 0;
        var started = false;
        while (true)
        {
            if (length == bytes.Length)
            {
                if (length > maxBytes) throw TooLarge(maxBytes, null);
                Array.Resize(ref bytes, (int)Math.Min(Math.Min((long)bytes.Length * 2, maxBytes + 1), Array.MaxLength));
            }
            var read = stream.Read(bytes, length, bytes.Length - length);
            if (read == 0) break;
            if (!started) started = CheckStart(bytes.AsSpan(0, length + read));
            length += read;
        }
        if (length > maxBytes) throw TooLarge(maxBytes, null);
        Array.Resize(ref bytes, length);
        return bytes;
    }

    /// <summary>False while only whitespace (and a byte order mark) has come; refuses a first other byte that is not '{'.</summary>
    private static bool CheckStart(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        var first = bytes.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0) return false;
        if (bytes[first] != (byte)'{')
            throw new InvalidDataException($"it is not a JSON object: it starts with {Untrusted.QuoteBytes(bytes.Slice(first, Math.Min(16, bytes.Length - first)))}, not '{{'");
        return true;
    }

    private static InvalidDataException TooLarge(long maxBytes, long? length) =>
        new(length is { } known
            ? $"the file holds {known:N0} bytes, more than the {maxBytes:N0} such a file may"
            : $"it holds more than the {maxBytes:N0} bytes such a file may");
}
