using System.IO.Compression;
using System.Text;

namespace ModelGen.Samples.SmsSpam;

/// <summary>The messages of the SMS Spam Collection and their labels, in file order.</summary>
public sealed class SmsMessages
{
    private SmsMessages(string[] texts, float[] labels)
    {
        Texts = texts;
        Labels = labels;
    }

    /// <summary>The label of a legitimate message in the file.</summary>
    public const string HamLabel = "ham";

    /// <summary>The label of a spam message in the file.</summary>
    public const string SpamLabel = "spam";

    /// <summary>The bundled corpus, copied beside the program.</summary>
    public static string BundledPath => Path.Combine(AppContext.BaseDirectory, "Data", "sms-spam", "sms_spam_collection.tsv.gz");

    /// <summary>The messages' texts.</summary>
    public string[] Texts { get; }

    /// <summary>1 for spam, 0 for ham, per message.</summary>
    public float[] Labels { get; }

    /// <summary>The number of messages.</summary>
    public int Count => Texts.Length;

    /// <summary>The number of spam messages.</summary>
    public int SpamCount => Labels.Count(l => l == 1);

    /// <summary>Reads the corpus: UTF-8 lines <c>label&lt;TAB&gt;text</c>, the label ham or spam; ".gz" is decompressed.</summary>
    /// <exception cref="InvalidDataException">The file is missing, or a line has no tab or another label.</exception>
    public static SmsMessages Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"The SMS file {path} does not exist; expected the SMS Spam Collection, one 'label<TAB>text' line per message.");
        }

        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        var texts = new List<string>();
        var labels = new List<float>();
        int lineNumber = 0;
        try
        {
            while (reader.ReadLine() is string line)
            {
                lineNumber++;
                int tab = line.IndexOf('\t', StringComparison.Ordinal);
                string label = tab < 0 ? "" : line[..tab];
                labels.Add(label switch
                {
                    HamLabel => 0,
                    SpamLabel => 1,
                    _ => throw new InvalidDataException($"{path}, line {lineNumber}: expected '{HamLabel}' or '{SpamLabel}', a tab and the message, but the line starts '{Start(line)}'."),
                });
                texts.Add(line[(tab + 1)..]);
            }
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}, line {lineNumber + 1}: not UTF-8 text ({e.Message}).", e);
        }

        if (texts.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no messages.");
        }

        return new SmsMessages([.. texts], [.. labels]);
    }

    private static string Start(string line) => line.Length <= 20 ? line : line[..20] + "...";
}
