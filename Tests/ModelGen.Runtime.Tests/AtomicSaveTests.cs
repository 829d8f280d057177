using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Saving through a temporary file: what a killed save leaves behind is removed by the next save of the same
/// target, nothing else is touched, and errors name the user's path.
/// </summary>
public sealed class AtomicSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-save-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TheNextSaveRemovesTheTemporaryFilesAKilledSaveLeft()
    {
        string path = Path.Combine(_folder, "model.safetensors");

        // What a save killed between creating its temporary file and the rename leaves: one per kill.
        string[] orphans = [.. Enumerable.Range(0, 3).Select(_ => Path.Combine(_folder, $".model.safetensors.{Guid.NewGuid():N}.tmp"))];
        foreach (string orphan in orphans)
        {
            File.WriteAllBytes(orphan, [1, 2, 3]);
        }

        using var model = new LinearNet(1, seed: 3);
        model.Save(path);

        Assert.Equal(["model.safetensors"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void ASaveRemovesOnlyTheTemporaryFilesOfItsOwnTarget()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        string hex = Guid.NewGuid().ToString("N");
        string[] others =
        [
            $".other.safetensors.{hex}.tmp",        // another target's
            $".model.safetensors.{hex}.tmp.keep",   // not ending in .tmp
            $".model.safetensors.notes.tmp",        // not a 32-digit random part
            $".model.safetensors.{hex[..31]}.tmp",  // one digit short
            $".model.safetensors.{hex.ToUpperInvariant()}.tmp", // not written by a save (upper case)
            $"model.safetensors.{hex}.tmp",         // not hidden
            $".model.safetensors.{hex}.tmp.tmp",
            "model.safetensors.bak",
        ];
        foreach (string other in others)
        {
            File.WriteAllBytes(Path.Combine(_folder, other), [1]);
        }

        Directory.CreateDirectory(Path.Combine(_folder, $".model.safetensors.{Guid.NewGuid():N}.tmp"));

        using var model = new LinearNet(1, seed: 3);
        model.Save(path);

        string[] expected = [.. others, "model.safetensors"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
        Assert.Single(Directory.GetDirectories(_folder));
    }

    [Fact]
    public void ATemporaryFileStillBeingWrittenIsLeftAlone()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        string live = Path.Combine(_folder, $".model.safetensors.{Guid.NewGuid():N}.tmp");

        // Another save of the same target, still writing: it holds its temporary file open and locked.
        using (var writing = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.Delete))
        {
            writing.Write([1, 2, 3]);
            using var model = new LinearNet(1, seed: 3);
            model.Save(path);

            Assert.True(File.Exists(live));
        }

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void SavingIntoAMissingFolderNamesTheUsersPath()
    {
        string path = Path.Combine(_folder, "missing", "model.safetensors");
        using var model = new LinearNet(1, seed: 3);

        var error = Assert.Throws<DirectoryNotFoundException>(() => model.Save(path));

        Assert.Contains(path, error.Message);
        Assert.DoesNotContain(".tmp", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void SavingOverAFolderNamesTheUsersPathAndLeavesNoTemporaryFile()
    {
        string path = Directory.CreateDirectory(Path.Combine(_folder, "model.safetensors")).FullName;
        using var model = new LinearNet(1, seed: 3);

        var error = Assert.ThrowsAny<IOException>(() => model.Save(path));

        Assert.Contains(path, error.Message);
        Assert.Equal([path], Directory.GetFileSystemEntries(_folder));
    }
}
