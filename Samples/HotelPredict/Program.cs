using System.Globalization;
using System.Text;
using ModelGen.Samples.HotelCancellations;
using ModelGen.Samples.HotelPredict;

// hotel-predict --model DIR [--input CSV]: the hotel sample's predict command as a native program.
// Arguments are parsed by hand: two options do not need a command-line package.
const string Usage = """
    Usage: hotel-predict --model DIR [--input CSV] [--round-trip] [--measure N]
      --model DIR     the folder the hotel sample's train command wrote (model.safetensors and model.preparation.json)
      --input CSV     a CSV of bookings (.gz is decompressed); without it, standard input is scored line by line:
                      a header line, then one booking per line, each printed as soon as it is scored
      --round-trip    print each probability with the digits that give back its float exactly, not six decimals
      --measure N     time N batch-1 predictions of the first booking of --input instead of scoring (README figures)
    Prints "row,probability" per booking; a booking that cannot be scored is reported on stderr, naming its row
    and column, and skipped. Exit code 0 when at least one booking was scored, 1 when none was or the model or
    input is refused, 2 for a bad argument.
    """;

string? model = null;
string? input = null;
bool roundTrip = false;
int measure = 0;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-h" or "--help" or "-?":
            Console.Out.WriteLine(Usage);
            return 0;
        case "--round-trip":
            roundTrip = true;
            break;
        case "--model" or "--input" or "--measure" when i + 1 == args.Length:
            return Refuse($"{args[i]} needs a value after it.");
        case "--model" when model is not null:
        case "--input" when input is not null:
            return Refuse($"{args[i]} is given twice.");
        case "--model":
            model = args[++i];
            break;
        case "--input":
            input = args[++i];
            break;
        case "--measure" when !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out measure) || measure < 10:
            return Refuse($"--measure expects a whole number of runs of at least 10, but got {DisplayText.Quote(args[i + 1])}.");
        case "--measure":
            i++;
            break;
        default:
            return Refuse($"Unknown argument {DisplayText.Quote(args[i])}: expected --model DIR, --input CSV, --round-trip or --measure N.");
    }
}

if (model is null)
{
    return Refuse("--model DIR is required.");
}

if (measure > 0)
{
    return input is null ? Refuse("--measure needs --input CSV.") : Latency.Measure(model, input, measure, Console.Out, Console.Error);
}

// One buffered writer: a whole file's lines leave in few writes; standard input's lines are flushed one by one.
using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
if (input is not null)
{
    return HotelPrediction.Run(model, input, output, Console.Error, roundTrip);
}

using Stream lines = Console.OpenStandardInput();
return HotelPrediction.RunLines(model, lines, output, Console.Error, roundTrip);

static int Refuse(string problem)
{
    Console.Error.WriteLine(problem);
    Console.Error.WriteLine(Usage);
    return 2;
}
