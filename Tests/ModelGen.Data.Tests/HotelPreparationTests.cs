using System.Diagnostics;
using Xunit.Abstractions;

namespace ModelGen.Data.Tests;

/// <summary>The Kaggle course's hotel-cancellation preprocessing (hotel_reference.py, preprocess) on the real data.</summary>
public class HotelPreparationTests(ITestOutputHelper output)
{
    private const int Rows = 119_390;
    private const double TrainSize = 0.75;

    private static readonly Dictionary<string, double> Months = new()
    {
        ["January"] = 1, ["February"] = 2, ["March"] = 3, ["April"] = 4, ["May"] = 5, ["June"] = 6,
        ["July"] = 7, ["August"] = 8, ["September"] = 9, ["October"] = 10, ["November"] = 11, ["December"] = 12,
    };

    private static readonly string[] Numeric =
    [
        "lead_time", "arrival_date_week_number", "arrival_date_day_of_month", "stays_in_weekend_nights",
        "stays_in_week_nights", "adults", "children", "babies", "is_repeated_guest", "previous_cancellations",
        "previous_bookings_not_canceled", "required_car_parking_spaces", "total_of_special_requests", "adr",
    ];

    private static readonly string[] Categorical =
    [
        "hotel", "arrival_date_month", "meal", "market_segment", "distribution_channel", "reserved_room_type",
        "deposit_type", "customer_type",
    ];

    private static readonly Lazy<Table> Hotel = new(() => Table.ReadCsv(DataPath()).MapText("arrival_date_month", Months));

    private static string DataPath()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Directory.Packages.props"))) root = root.Parent;
        Assert.True(root is not null, $"No repository root (a folder with Directory.Packages.props) above {AppContext.BaseDirectory}.");
        string[] candidates =
        [
            Path.GetFullPath(Path.Combine(root.FullName, "..", "shared", "data", "hotel.csv.gz")),
            Path.Combine(root.FullName, "Samples", "HotelCancellations", "Data", "hotel.csv.gz"),
        ];
        var found = candidates.FirstOrDefault(File.Exists);
        Assert.True(found is not null, $"The hotel data is in neither {string.Join(" nor ", candidates)}.");
        return found;
    }

    private static ColumnTransformer CoursePreparation() => new(
        (new Pipeline(new SimpleImputer(ImputeStrategy.Constant), new StandardScaler()), Numeric),
        (new Pipeline(new SimpleImputer(ImputeStrategy.Constant, "NA"), new OneHotEncoder(HandleUnknown.Ignore)), Categorical));

    [Fact]
    public void Seed0_Gives63Features_AndKeepsTheClassShares()
    {
        var clock = Stopwatch.StartNew();
        var hotel = Table.ReadCsv(DataPath()).MapText("arrival_date_month", Months);
        var read = clock.Elapsed;
        var split = TrainTestSplit.Split(hotel.Column("is_canceled"), TrainSize, seed: 0);
        var train = hotel.Take(split.Train);
        var valid = hotel.Take(split.Test);
        var preparation = CoursePreparation();
        var xTrain = preparation.FitTransform(train);
        var xValid = preparation.Transform(valid);
        output.WriteLine($"hotel preparation: read {read.TotalMilliseconds:F0} ms, total (read + split + fit + transform) {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.Equal(Rows, hotel.Rows);
        Assert.Equal(32, hotel.Columns.Count);
        Assert.Equal(4, hotel.Column("children").MissingCount);
        Assert.Equal(63, preparation.FeatureCount);
        Assert.Equal((89_542, 63), (xTrain.Rows, xTrain.FeatureCount));
        Assert.Equal(29_848, xValid.Rows);
        // 44,224 cancellations of 119,390: train share 33,167.81 rounds up (largest remainder), test takes the rest.
        Assert.Equal(33_168, train.Column("is_canceled").Numbers.ToArray().Count(v => v == 1));
        Assert.Equal(11_056, valid.Column("is_canceled").Numbers.ToArray().Count(v => v == 1));
        Assert.Equal("pipeline-1__lead_time", preparation.FeatureNames[0]);
        Assert.Equal("pipeline-2__arrival_date_month_1", preparation.FeatureNames[16]);
        Assert.Equal("pipeline-2__customer_type_Transient-Party", preparation.FeatureNames[62]);
        Assert.DoesNotContain(xTrain.Values, float.IsNaN);
        // scikit-learn 1.2.1 (numpy 1.24.2) train_test_split(stratify=y, train_size=0.75, random_state=0) starts so.
        Assert.Equal([65191, 84525, 48848, 93542, 38790], split.Train[..5]);
        Assert.Equal([37737, 77934, 38130, 109635, 22994], split.Test[..5]);
        // Each of the 8 categorical columns contributes exactly one 1 per training row.
        Assert.Equal(8f * xTrain.Rows, Enumerable.Range(0, xTrain.Rows).Sum(r => xTrain.Row(r)[14..].ToArray().Sum()));
    }

    [Fact]
    public void Seed7_UndefinedMarketSegmentOnlyInValidation_IsIgnored()
    {
        var hotel = Hotel.Value;
        var split = TrainTestSplit.Split(hotel.Column("is_canceled"), TrainSize, seed: 7);
        var train = hotel.Take(split.Train);
        var valid = hotel.Take(split.Test);
        var preparation = CoursePreparation();
        preparation.Fit(train);

        var undefined = Enumerable.Range(0, valid.Rows).Where(r => valid.Column("market_segment").Texts[r] == "Undefined").ToArray();
        // As with scikit-learn's split for random_state=7: both 'Undefined' bookings (data rows 40600, 40679) validate.
        Assert.Equal([40600, 40679], undefined.Select(r => split.Test[r]).Order());
        Assert.Equal(62, preparation.FeatureCount);
        var encoder = (OneHotEncoder)preparation.Pipelines[1].Steps[1];
        Assert.DoesNotContain("Undefined", encoder.Categories("market_segment"));
        var xValid = preparation.Transform(valid);
        var segments = preparation.FeatureNames.Select((n, i) => (n, i)).Where(p => p.n.StartsWith("pipeline-2__market_segment_", StringComparison.Ordinal)).Select(p => p.i).ToArray();
        foreach (var row in undefined)
        {
            Assert.All(segments, feature => Assert.Equal(0f, xValid.Row(row)[feature]));
        }
    }
}
