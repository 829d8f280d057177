using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Learning-rate schedules: each one's rate against values worked out by hand from Keras' formulas
/// (keras/src/optimizers/schedules/learning_rate_schedule.py), and optimizers driven by a schedule, evaluated as
/// Keras' base optimizer does, at <c>iterations</c> before each update.
/// </summary>
public sealed class ScheduleTests
{
    /// <summary>Relative tolerance of a rate computed in float32 (a few units in the last place of a power or cosine).</summary>
    private const double RateTolerance = 1e-6;

    /// <summary>Absolute tolerance of a rate whose exact value is 0.</summary>
    private const double ZeroTolerance = 1e-9;

    private const int Steps = 12;
    private const int Batch = 16;

    public static TheoryData<string, string> OptimizersAndSchedules
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string optimizer in new[] { "sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad" })
            {
                foreach (string schedule in new[] { "exponential", "staircase", "piecewise", "cosine", "polynomial", "inverse", "restarts" })
                {
                    data.Add(optimizer, schedule);
                }
            }

            return data;
        }
    }

    [Theory]
    [InlineData(0L, 0.1)]
    [InlineData(5L, 0.07071067811865477)] // 0.1 * 0.5^(5/10)
    [InlineData(10L, 0.05)]
    [InlineData(25L, 0.01767766952966369)] // 0.1 * 0.5^2.5
    public void ExponentialDecayIsTheInitialRateTimesTheDecayRateToStepOverDecaySteps(long step, double expected)
    {
        var schedule = new ExponentialDecay(0.1f, decaySteps: 10, decayRate: 0.5f);

        AssertRate(expected, schedule.Rate(step));
    }

    [Theory]
    [InlineData(0L, 0.1)]
    [InlineData(9L, 0.1)] // floor(9/10) = 0
    [InlineData(10L, 0.05)]
    [InlineData(19L, 0.05)]
    [InlineData(20L, 0.025)]
    [InlineData(25L, 0.025)] // floor(2.5) = 2
    public void ExponentialDecayWithStaircaseDropsOnlyAtWholePeriods(long step, double expected)
    {
        var schedule = new ExponentialDecay(0.1f, decaySteps: 10, decayRate: 0.5f, staircase: true);

        AssertRate(expected, schedule.Rate(step));
    }

    [Fact]
    public void ExponentialDecayOfKerasDocumentationAtAnUnevenStep()
    {
        // 0.01 * 0.96^(1234 / 1000)
        AssertRate(0.009508734067405513, new ExponentialDecay(0.01f, 1000, 0.96f).Rate(1234));
    }

    [Theory]
    [InlineData(0L, 1.0f)]
    [InlineData(99L, 1.0f)]
    [InlineData(100L, 1.0f)] // a boundary step still takes the value before it: step <= boundaries[0]
    [InlineData(101L, 0.5f)]
    [InlineData(110L, 0.5f)]
    [InlineData(111L, 0.1f)]
    [InlineData(long.MaxValue, 0.1f)]
    public void PiecewiseConstantDecayTakesTheValueOfTheIntervalEndingAtOrAfterTheStep(long step, float expected)
    {
        // Keras' documentation example: 1.0 for the first 100001 steps, 0.5 for the next 10000, then 0.1.
        var schedule = new PiecewiseConstantDecay([100L, 110L], [1.0f, 0.5f, 0.1f]);

        Assert.Equal(expected, schedule.Rate(step));
    }

    [Fact]
    public void PiecewiseConstantDecayWithOneBoundaryAtZeroChangesAfterTheFirstStep()
    {
        var schedule = new PiecewiseConstantDecay([0L], [0.3f, 0.2f]);

        Assert.Equal(0.3f, schedule.Rate(0));
        Assert.Equal(0.2f, schedule.Rate(1));
        Assert.Equal([0L], schedule.Boundaries);
        Assert.Equal([0.3f, 0.2f], schedule.Values);
    }

    [Theory]
    [InlineData(0L, false, 0.1)]
    [InlineData(50L, false, 0.0325)] // 0.09 * (1 - 0.5)^2 + 0.01
    [InlineData(100L, false, 0.01)]
    [InlineData(200L, false, 0.01)] // past decaySteps the step is clamped
    [InlineData(0L, true, 0.1)] // cycle: the horizon is 100 * ceil(step / 100), 100 at step 0
    [InlineData(100L, true, 0.01)]
    [InlineData(150L, true, 0.015625)] // horizon 200: 0.09 * (1 - 0.75)^2 + 0.01
    public void PolynomialDecayFallsToTheEndRateAndCyclesOverLongerHorizons(long step, bool cycle, double expected)
    {
        var schedule = new PolynomialDecay(0.1f, decaySteps: 100, endLearningRate: 0.01f, power: 2f, cycle: cycle);

        AssertRate(expected, schedule.Rate(step));
        Assert.Equal(1e-4f, new PolynomialDecay(0.1f, 10).EndLearningRate);
    }

    [Theory]
    [InlineData(0L, false, 0.1)]
    [InlineData(5L, false, 0.08)] // 0.1 / (1 + 0.5 * 5 / 10)
    [InlineData(20L, false, 0.05)]
    [InlineData(15L, true, 0.06666666666666667)] // 0.1 / (1 + 0.5 * floor(1.5))
    [InlineData(9L, true, 0.1)]
    public void InverseTimeDecayDividesByOnePlusTheDecayedTime(long step, bool staircase, double expected)
    {
        var schedule = new InverseTimeDecay(0.1f, decaySteps: 10, decayRate: 0.5f, staircase: staircase);

        AssertRate(expected, schedule.Rate(step));
    }

    [Theory]
    [InlineData(0L, 0.1)]
    [InlineData(5L, 0.05)] // halfway down the first period of 10
    [InlineData(10L, 0.05)] // the first restart at half the rate (mMul 0.5): 0.5 * 0.5 * (1 + cos 0)
    [InlineData(20L, 0.025)] // halfway down the second period of 20
    [InlineData(25L, 0.007322330470336313)] // 0.25 * (1 + cos(0.75 pi))
    public void CosineDecayRestartsRestartsWithLongerPeriodsAndLowerPeaks(long step, double expected)
    {
        var schedule = new CosineDecayRestarts(0.1f, firstDecaySteps: 10, tMul: 2f, mMul: 0.5f);

        AssertRate(expected, schedule.Rate(step));
    }

    [Fact]
    public void CosineDecayRestartsWithEqualPeriodsAndAFloor()
    {
        // tMul 1: period i = floor(step / 10), the fraction done step / 10 - i; alpha 0.2 keeps 0.2 of the rate.
        var schedule = new CosineDecayRestarts(0.1f, firstDecaySteps: 10, tMul: 1f, mMul: 1f, alpha: 0.2f);

        AssertRate(0.06, schedule.Rate(15)); // 0.1 * (0.8 * 0.5 + 0.2)
        AssertRate(0.1, schedule.Rate(30));
        Assert.Equal((2f, 1f, 0f), (new CosineDecayRestarts(0.1f, 5).TMul, new CosineDecayRestarts(0.1f, 5).MMul, new CosineDecayRestarts(0.1f, 5).Alpha));
    }

    [Fact]
    public void TheKerasThreeMoreSchedulesRefuseBadArguments()
    {
        AssertRefused<ArgumentOutOfRangeException>(() => new PolynomialDecay(0.1f, 0), "decaySteps must be > 0, but it is 0");
        AssertRefused<ArgumentOutOfRangeException>(() => new PolynomialDecay(0.1f, 10, power: 0f), "power must be positive and finite, but it is 0");
        AssertRefused<ArgumentOutOfRangeException>(() => new PolynomialDecay(0.1f, 10, endLearningRate: -1f), "endLearningRate must be finite and not negative");
        AssertRefused<ArgumentOutOfRangeException>(() => new InverseTimeDecay(float.NaN, 10, 0.5f), "initialLearningRate must be finite and not negative");
        AssertRefused<ArgumentOutOfRangeException>(() => new InverseTimeDecay(0.1f, 10, -0.5f), "decayRate must be finite and not negative");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecayRestarts(0.1f, -3), "firstDecaySteps must be > 0, but it is -3");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecayRestarts(0.1f, 10, tMul: 0f), "tMul must be positive and finite, but it is 0");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecayRestarts(0.1f, 10, mMul: -1f), "mMul must be finite and not negative");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecayRestarts(0.1f, 10, alpha: 2f), "alpha must lie in [0, 1], but it is 2");
        AssertRefused<ArgumentOutOfRangeException>(() => new InverseTimeDecay(0.1f, 10, 0.5f).Rate(-1), "step must be 0 or more");
    }

    [Theory]
    [InlineData(0L, 0.1)]
    [InlineData(25L, 0.08828427124746191)] // 0.1 * (0.8 * 0.5 * (1 + cos(pi / 4)) + 0.2)
    [InlineData(50L, 0.06)] // 0.1 * (0.8 * 0.5 + 0.2)
    [InlineData(100L, 0.02)] // the floor: alpha * 0.1
    [InlineData(1000L, 0.02)] // the step is clamped to decaySteps
    public void CosineDecayFallsToAlphaTimesTheInitialRateAndStaysThere(long step, double expected)
    {
        var schedule = new CosineDecay(0.1f, decaySteps: 100, alpha: 0.2f);

        AssertRate(expected, schedule.Rate(step));
    }

    [Theory]
    [InlineData(0L, 0.0)]
    [InlineData(5L, 0.05)] // 0 + (0.1 - 0) * 5 / 10
    [InlineData(9L, 0.09)]
    [InlineData(10L, 0.1)] // the warm-up's end: the decay starts from the target
    [InlineData(60L, 0.05)] // 0.1 * 0.5 * (1 + cos(pi / 2))
    [InlineData(110L, 0.0)] // warmupSteps + decaySteps: alpha 0
    [InlineData(500L, 0.0)]
    public void CosineDecayWarmsUpLinearlyFromZeroThenDecaysFromTheTarget(long step, double expected)
    {
        var schedule = new CosineDecay(0f, decaySteps: 100, warmupTarget: 0.1f, warmupSteps: 10);

        AssertRate(expected, schedule.Rate(step));
    }

    [Theory]
    [InlineData(0L, 0.02)]
    [InlineData(2L, 0.04)] // 0.02 + (0.1 - 0.02) * 2 / 8
    [InlineData(8L, 0.1)]
    [InlineData(20L, 0.08454194696096774)] // 0.1 * (0.75 * 0.5 * (1 + cos(0.3 pi)) + 0.25), 12 of 40 decay steps
    [InlineData(28L, 0.0625)] // 0.1 * (0.75 * 0.5 + 0.25)
    [InlineData(48L, 0.025)] // the floor: alpha * the target
    [InlineData(1000L, 0.025)]
    public void CosineDecayWarmsUpFromTheInitialRateAndFloorsAtAlphaTimesTheTarget(long step, double expected)
    {
        var schedule = new CosineDecay(0.02f, decaySteps: 40, alpha: 0.25f, warmupTarget: 0.1f, warmupSteps: 8);

        AssertRate(expected, schedule.Rate(step));
    }

    [Fact]
    public void CosineDecayWithATargetAndNoWarmupStepsDecaysFromTheTargetAtOnce()
    {
        var schedule = new CosineDecay(0.5f, decaySteps: 10, warmupTarget: 0.1f);

        AssertRate(0.1, schedule.Rate(0));
        AssertRate(0.05, schedule.Rate(5));
    }

    [Fact]
    public void KerasDefaults()
    {
        var cosine = new CosineDecay(0.1f, 10);
        Assert.Equal((0f, (float?)null, 0L), (cosine.Alpha, cosine.WarmupTarget, cosine.WarmupSteps));
        Assert.False(new ExponentialDecay(0.1f, 10, 0.5f).Staircase);
    }

    [Fact]
    public void InvalidArgumentsAreRefusedWithWhatWasExpectedAndWhatWasGiven()
    {
        AssertRefused<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1f, 0, 0.5f), "decaySteps must be > 0, but it is 0");
        AssertRefused<ArgumentOutOfRangeException>(() => new ExponentialDecay(0f, 10, 0.5f), "initialLearningRate must be positive and finite, but it is 0");
        AssertRefused<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1f, 10, float.NaN), "decayRate must be positive and finite, but it is NaN");
        AssertRefused<ArgumentException>(() => new PiecewiseConstantDecay([10L, 20L], [1f, 0.5f]), "2 boundaries need 3 values, but 2 were given");
        AssertRefused<ArgumentException>(() => new PiecewiseConstantDecay([], [1f]), "boundaries must hold at least one step");
        AssertRefused<ArgumentException>(() => new PiecewiseConstantDecay([10L, 10L], [1f, 0.5f, 0.1f]), "boundaries[1] is 10, not above boundaries[0], 10");
        AssertRefused<ArgumentOutOfRangeException>(() => new PiecewiseConstantDecay([10L], [1f, -0.5f]), "values[1] must be finite and not negative, but it is -0.5");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, -1), "decaySteps must be > 0, but it is -1");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecay(-0.1f, 10), "initialLearningRate must be finite and not negative, but it is -0.1");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, 10, alpha: 1.5f), "alpha must lie in [0, 1], but it is 1.5");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, 10, warmupTarget: float.PositiveInfinity, warmupSteps: 5), "warmupTarget must be finite and not negative");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, 10, warmupTarget: 0.2f, warmupSteps: -5), "warmupSteps must be 0 or more, but it is -5");
        AssertRefused<ArgumentException>(() => new CosineDecay(0.1f, 10, warmupSteps: 5), "warmupSteps is 5 but warmupTarget is null");
        AssertRefused<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, 10).Rate(-1), "step must be 0 or more");
        Assert.Equal("learningRate", Assert.Throws<ArgumentNullException>(() => new Adam((LearningRateSchedule)null!)).ParamName);
    }

    [Theory]
    [MemberData(nameof(OptimizersAndSchedules))]
    public void AScheduledOptimizerGivesBitwiseTheWeightsOfItsRateSetByHandBeforeEachStep(string rule, string scheduleName)
    {
        LearningRateSchedule schedule = Schedule(scheduleName);
        (Dataset train, _) = TestData.CancerSplit();
        using var scheduledModel = new CancerNet(batchCapacity: Batch, seed: 3, device: Device.Cpu(1));
        using var handModel = new CancerNet(batchCapacity: Batch, seed: 3, device: Device.Cpu(1));
        handModel.WriteWeights(Weights(scheduledModel));
        Optimizer scheduled = Create(rule, schedule);
        Optimizer hand = Create(rule, null);

        for (int step = 0; step < Steps; step++)
        {
            float[] features = train.Features.AsSpan(step * Batch * train.FeatureWidth, Batch * train.FeatureWidth).ToArray();
            float[] targets = train.Targets.AsSpan(step * Batch, Batch).ToArray();
            Assert.Equal(schedule.Rate(step), scheduled.LearningRate);
            hand.LearningRate = schedule.Rate(step);
            scheduledModel.TrainOnBatch(features, targets, scheduled);
            handModel.TrainOnBatch(features, targets, hand);
        }

        Assert.Equal(Weights(handModel), Weights(scheduledModel));
        Assert.Equal(Steps, scheduled.Iterations);
        Assert.Equal(schedule.Rate(Steps), scheduled.LearningRate);
    }

    [Fact]
    public void FitStepsTheScheduleOncePerBatchAtTheUpdatesDoneBeforeIt()
    {
        // Four rows in batches of two for two epochs: four updates, at rates 0.1 (step 0) then 0.05 (steps 1 to 3).
        Dataset data = TestData.Linear(4);
        using var model = new LinearNet(batchCapacity: 2);
        float[] start = [0.3f, -0.2f, 0.1f];
        model.WriteWeights(start);
        var optimizer = new Sgd(new PiecewiseConstantDecay([0L], [0.1f, 0.05f]));

        model.Fit(data, null, batchSize: 2, epochs: 2, optimizer, verbose: 0, shuffle: false);

        double[] p = [.. start.Select(v => (double)v)];
        double[] rates = [0.1, 0.05, 0.05, 0.05];
        for (int step = 0; step < rates.Length; step++)
        {
            int first = step % 2 * 2;
            var g = new double[3];
            for (int r = first; r < first + 2; r++)
            {
                ReadOnlySpan<float> x = data.FeatureRow(r);
                double dy = 2 * (p[0] * x[0] + p[1] * x[1] + p[2] - data.Targets[r]) / 2;
                g[0] += dy * x[0];
                g[1] += dy * x[1];
                g[2] += dy;
            }

            for (int i = 0; i < 3; i++)
            {
                p[i] -= rates[step] * g[i];
            }
        }

        float[] weights = Weights(model);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(p[i], weights[i], 2e-5);
        }

        Assert.Equal(4, optimizer.Iterations);
    }

    [Fact]
    public void GradientDescentStepsTheScheduleOncePerEpoch()
    {
        Dataset data = TestData.Linear(5);
        var schedule = new ExponentialDecay(0.2f, decaySteps: 2, decayRate: 0.5f);
        using var scheduledModel = new LinearNet(batchCapacity: 2);
        using var handModel = new LinearNet(batchCapacity: 2);
        float[] start = [0.3f, -0.2f, 0.1f];
        scheduledModel.WriteWeights(start);
        handModel.WriteWeights(start);
        var scheduled = new GradientDescent(schedule);
        var hand = new GradientDescent();

        scheduledModel.Fit(data, null, batchSize: 2, epochs: 4, scheduled, verbose: 0);
        for (int epoch = 0; epoch < 4; epoch++)
        {
            hand.LearningRate = schedule.Rate(epoch);
            handModel.Fit(data, null, batchSize: 2, epochs: 1, hand, verbose: 0);
        }

        Assert.Equal(Weights(handModel), Weights(scheduledModel));
        Assert.Equal(4, scheduled.Iterations);
        Assert.NotEqual(Weights(handModel), start);
    }

    [Fact]
    public void AScheduledRateCannotBeSetAsInKeras()
    {
        var schedule = new CosineDecay(0.1f, 10);
        var optimizer = new RmsProp(schedule);

        var refused = Assert.Throws<InvalidOperationException>(() => optimizer.LearningRate = 0.5f);

        Assert.Contains("CosineDecay schedule", refused.Message);
        Assert.Contains("constant learning rate", refused.Message);
        Assert.Same(schedule, optimizer.Schedule);
        Assert.Null(new RmsProp().Schedule);
        Assert.Equal(0.1f, optimizer.LearningRate);
    }

    [Fact]
    public void ARateThatIsNegativeOrNotFiniteIsRefusedBeforeTheStepChangesAnything()
    {
        Dataset data = TestData.Linear(4);
        using var model = new LinearNet(batchCapacity: 4);
        var optimizer = new Adam(new BrokenAfter(2));
        model.TrainOnBatch(data.Features, data.Targets, optimizer);
        model.TrainOnBatch(data.Features, data.Targets, optimizer);
        float[] before = Weights(model);

        var refused = Assert.Throws<InvalidOperationException>(() => model.TrainOnBatch(data.Features, data.Targets, optimizer));

        Assert.Contains("BrokenAfter schedule gives the learning rate NaN at step 2", refused.Message);
        Assert.Equal(before, Weights(model));
        Assert.Equal(2, optimizer.Iterations);
    }

    [Theory]
    [InlineData("piecewise")]
    [InlineData("cosine")]
    [InlineData("exponential")]
    [InlineData("polynomial")]
    [InlineData("restarts")]
    public void AScheduledStepAllocatesNothing(string scheduleName)
    {
        (Dataset train, _) = TestData.CancerSplit();
        using var model = new CancerNet(batchCapacity: Batch, seed: 3, device: Device.Cpu(1));
        var optimizer = new Adam(Schedule(scheduleName));
        float[] features = train.Features.AsSpan(0, Batch * train.FeatureWidth).ToArray();
        float[] targets = train.Targets.AsSpan(0, Batch).ToArray();
        for (int step = 0; step < 3; step++)
        {
            model.TrainOnBatch(features, targets, optimizer);
        }

        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => model.TrainOnBatch(features, targets, optimizer)));
    }

    /// <summary>Schedules whose rates change within <see cref="Steps"/> steps and stay positive (a rate set by hand must be).</summary>
    private static LearningRateSchedule Schedule(string name) => name switch
    {
        "exponential" => new ExponentialDecay(0.05f, decaySteps: 3, decayRate: 0.5f),
        "staircase" => new ExponentialDecay(0.05f, decaySteps: 3, decayRate: 0.5f, staircase: true),
        "piecewise" => new PiecewiseConstantDecay([2L, 5L], [0.05f, 0.02f, 0.005f]),
        // Warm-up over steps 0 to 3, decay over 4 to 9, the floor from 10.
        "cosine" => new CosineDecay(0.005f, decaySteps: 6, alpha: 0.1f, warmupTarget: 0.05f, warmupSteps: 4),
        "polynomial" => new PolynomialDecay(0.05f, decaySteps: 4, endLearningRate: 0.005f, power: 2f, cycle: true),
        "inverse" => new InverseTimeDecay(0.05f, decaySteps: 2, decayRate: 0.5f),
        "restarts" => new CosineDecayRestarts(0.05f, firstDecaySteps: 3, tMul: 2f, mMul: 0.5f, alpha: 0.1f),
        _ => throw new ArgumentException(name),
    };

    private static Optimizer Create(string rule, LearningRateSchedule? schedule) => (rule, schedule) switch
    {
        ("sgd", null) => new Sgd(),
        ("sgd", _) => new Sgd(schedule),
        ("momentum", null) => new Sgd(momentum: 0.9f),
        ("momentum", _) => new Sgd(schedule, momentum: 0.9f),
        ("nesterov", null) => new Sgd(momentum: 0.9f, nesterov: true),
        ("nesterov", _) => new Sgd(schedule, momentum: 0.9f, nesterov: true),
        ("adam", null) => new Adam(),
        ("adam", _) => new Adam(schedule),
        ("rmsprop", null) => new RmsProp(),
        ("rmsprop", _) => new RmsProp(schedule),
        ("adagrad", null) => new Adagrad(),
        ("adagrad", _) => new Adagrad(schedule),
        _ => throw new ArgumentException(rule),
    };

    private static void AssertRate(double expected, float actual)
    {
        if (expected == 0)
        {
            Assert.True(Math.Abs(actual) <= ZeroTolerance, $"Expected 0, got {actual}.");
            return;
        }

        double relative = Math.Abs(actual - expected) / expected;
        Assert.True(relative <= RateTolerance, $"Expected {expected}, got {actual} (relative error {relative}).");
    }

    private static void AssertRefused<TException>(Func<object> create, string message)
        where TException : ArgumentException
    {
        var refused = Assert.Throws<TException>(() => create());
        Assert.Contains(message, refused.Message);
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }

    /// <summary>A user's schedule that goes wrong: 0.01 for the first <c>steps</c> steps, then NaN.</summary>
    private sealed class BrokenAfter(long steps) : LearningRateSchedule
    {
        public override float Rate(long step) => step < steps ? 0.01f : float.NaN;
    }
}
