using ModelGen.Data;

namespace ModelGen.Samples.HotelCancellations;

/// <summary>The course's columns and preprocessing (hotel_reference.py, preprocess), in ModelGen.Data's terms.</summary>
public static class HotelData
{
    /// <summary>The label column: 1 for a cancelled booking.</summary>
    public const string Label = "is_canceled";

    /// <summary>The month column, whose names become 1..12.</summary>
    public const string Month = "arrival_date_month";

    /// <summary>The share of the rows that trains; the rest validates.</summary>
    public const double TrainSize = 0.75;

    /// <summary>Month names to 1..12, as the course maps them.</summary>
    public static IReadOnlyDictionary<string, double> Months { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["January"] = 1, ["February"] = 2, ["March"] = 3, ["April"] = 4, ["May"] = 5, ["June"] = 6,
        ["July"] = 7, ["August"] = 8, ["September"] = 9, ["October"] = 10, ["November"] = 11, ["December"] = 12,
    };

    /// <summary>The 14 numeric features: imputed with 0, then standardised.</summary>
    public static IReadOnlyList<string> Numeric { get; } =
    [
        "lead_time", "arrival_date_week_number", "arrival_date_day_of_month", "stays_in_weekend_nights",
        "stays_in_week_nights", "adults", "children", "babies", "is_repeated_guest", "previous_cancellations",
        "previous_bookings_not_canceled", "required_car_parking_spaces", "total_of_special_requests", "adr",
    ];

    /// <summary>The day-of-month column, checked against the month's length when scoring.</summary>
    public const string DayOfMonth = "arrival_date_day_of_month";

    /// <summary>The year column: not a feature, but it tells whether February has 29 days.</summary>
    public const string Year = "arrival_date_year";

    /// <summary>
    /// The numeric features that count something or name a week or a day: whole numbers within these bounds (as in
    /// all 119,390 bookings of the bundled data). The 14th, adr (a price), may be any finite number, even negative.
    /// </summary>
    public static IReadOnlyDictionary<string, (int Min, int Max)> WholeNumberRanges { get; } = new Dictionary<string, (int Min, int Max)>(StringComparer.Ordinal)
    {
        ["lead_time"] = (0, int.MaxValue), ["arrival_date_week_number"] = (1, 53), [DayOfMonth] = (1, 31),
        ["stays_in_weekend_nights"] = (0, int.MaxValue), ["stays_in_week_nights"] = (0, int.MaxValue), ["adults"] = (0, int.MaxValue),
        ["children"] = (0, int.MaxValue), ["babies"] = (0, int.MaxValue), ["is_repeated_guest"] = (0, 1),
        ["previous_cancellations"] = (0, int.MaxValue), ["previous_bookings_not_canceled"] = (0, int.MaxValue),
        ["required_car_parking_spaces"] = (0, int.MaxValue), ["total_of_special_requests"] = (0, int.MaxValue),
    };

    /// <summary>The 8 categorical features: imputed with "NA", then one-hot encoded (unknown categories give all zeros).</summary>
    public static IReadOnlyList<string> Categorical { get; } =
    [
        "hotel", Month, "meal", "market_segment", "distribution_channel", "reserved_room_type", "deposit_type", "customer_type",
    ];

    /// <summary>The bundled data, copied beside the program.</summary>
    public static string BundledPath => Path.Combine(AppContext.BaseDirectory, "Data", "hotel.csv.gz");

    /// <summary>Reads the bookings and maps the month names to numbers (pandas' <c>map</c> in the course).</summary>
    public static Table Read(string path) => Table.ReadCsv(path).MapText(Month, Months);

    /// <summary>
    /// The course's unfitted preparation: make_column_transformer((make_pipeline(SimpleImputer(strategy="constant"),
    /// StandardScaler()), numeric), (make_pipeline(SimpleImputer(strategy="constant", fill_value="NA"),
    /// OneHotEncoder(handle_unknown="ignore")), categorical)).
    /// </summary>
    public static ColumnTransformer Preparation() => new(
        (new Pipeline(new SimpleImputer(ImputeStrategy.Constant), new StandardScaler()), [.. Numeric]),
        (new Pipeline(new SimpleImputer(ImputeStrategy.Constant, "NA"), new OneHotEncoder(HandleUnknown.Ignore)), [.. Categorical]));
}
