using System.Globalization;
using System.Text;

namespace ModelGen.Samples.SmsSpam;

/// <summary>The four counts of a ham/spam classifier at a threshold, and the figures read from them (spam is the positive class).</summary>
/// <param name="TrueHam">Ham predicted ham.</param>
/// <param name="FalseSpam">Ham predicted spam (false positives).</param>
/// <param name="MissedSpam">Spam predicted ham (false negatives).</param>
/// <param name="CaughtSpam">Spam predicted spam (true positives).</param>
public sealed record BinaryConfusion(int TrueHam, int FalseSpam, int MissedSpam, int CaughtSpam)
{
    /// <summary>All messages counted.</summary>
    public int Total => TrueHam + FalseSpam + MissedSpam + CaughtSpam;

    /// <summary>The share of messages classified right.</summary>
    public double Accuracy => Ratio(TrueHam + CaughtSpam, Total);

    /// <summary>Of the messages predicted spam, the share that is spam (1 when none is predicted spam, as no flag is wrong).</summary>
    public double SpamPrecision => CaughtSpam + FalseSpam == 0 ? 1 : Ratio(CaughtSpam, CaughtSpam + FalseSpam);

    /// <summary>Of the spam, the share predicted spam.</summary>
    public double SpamRecall => Ratio(CaughtSpam, CaughtSpam + MissedSpam);

    /// <summary>The share of ham in the messages: the accuracy of always answering ham.</summary>
    public double MajorityAccuracy => Ratio(TrueHam + FalseSpam, Total);

    /// <summary>Counts each message under its label and its prediction (spam when the probability is at least <paramref name="threshold"/>).</summary>
    public static BinaryConfusion FromPredictions(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, float threshold = 0.5f)
    {
        if (probabilities.Length != labels.Length)
        {
            throw new ArgumentException($"{probabilities.Length} probabilities for {labels.Length} labels.", nameof(probabilities));
        }

        int trueHam = 0, falseSpam = 0, missedSpam = 0, caughtSpam = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            bool spam = labels[i] == 1;
            bool flagged = probabilities[i] >= threshold;
            if (spam && flagged)
            {
                caughtSpam++;
            }
            else if (spam)
            {
                missedSpam++;
            }
            else if (flagged)
            {
                falseSpam++;
            }
            else
            {
                trueHam++;
            }
        }

        return new BinaryConfusion(trueHam, falseSpam, missedSpam, caughtSpam);
    }

    /// <summary>The matrix (rows: true class, columns: predicted class) with accuracy, precision and recall below it.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Confusion matrix of {Total:N0} test messages (rows: true class, columns: predicted class, spam at p >= 0.5):\n");
        text.Append("true \\ predicted     ham   spam\n");
        text.Append(CultureInfo.InvariantCulture, $"ham               {TrueHam,6} {FalseSpam,6}\n");
        text.Append(CultureInfo.InvariantCulture, $"spam              {MissedSpam,6} {CaughtSpam,6}\n");
        text.Append(CultureInfo.InvariantCulture, $"accuracy {Accuracy:0.0000} (always ham: {MajorityAccuracy:0.0000}); spam precision {SpamPrecision:0.0000}, spam recall {SpamRecall:0.0000}\n");
        return text.ToString();
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
