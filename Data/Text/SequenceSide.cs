namespace ModelGen.Data.Text;

/// <summary>Which end of a sequence padding is added to or tokens are cut from (Keras' <c>'pre'</c> and <c>'post'</c>).</summary>
public enum SequenceSide
{
    /// <summary>The start: padding goes before the tokens, truncation drops the first ones (Keras' default for both).</summary>
    Pre,

    /// <summary>The end: padding goes after the tokens, truncation drops the last ones.</summary>
    Post,
}
