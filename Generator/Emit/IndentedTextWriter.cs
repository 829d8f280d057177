using System;
using System.Text;

namespace ModelGen.Generator.Emit;

/// <summary>
/// Writes indented C# text with "\n" line ends (the output must not depend on the machine). Multi-line strings,
/// such as raw string literals, are indented line by line; <see cref="WriteBlock"/> scopes write the braces.
/// </summary>
internal sealed class IndentedTextWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _depth;

    public void WriteLine() => _text.Append('\n');

    public void WriteLine(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.Length > 0)
            {
                for (int i = 0; i < _depth; i++)
                {
                    _text.Append(IndentUnit);
                }

                _text.Append(line);
            }

            _text.Append('\n');
        }
    }

    /// <summary>Writes <paramref name="header"/> (when given) and an opening brace; disposing writes the closing brace.</summary>
    public Scope WriteBlock(string? header = null, string opening = "{", string closing = "}")
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine(opening);
        _depth++;
        return new Scope(this, closing);
    }

    /// <summary>Indents one level until disposed, with no braces (the contents of a raw string literal).</summary>
    public Scope Indent()
    {
        _depth++;
        return new Scope(this, null);
    }

    public override string ToString() => _text.ToString();

    /// <summary>An open brace block.</summary>
    internal readonly struct Scope : IDisposable
    {
        private readonly IndentedTextWriter _writer;
        private readonly string? _closing;

        public Scope(IndentedTextWriter writer, string? closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._depth--;
            if (_closing is not null)
            {
                _writer.WriteLine(_closing);
            }
        }
    }
}
