using System.Runtime.InteropServices;

namespace ModelGen.Mpi;

/// <summary>
/// MPI_COMM_WORLD for data-parallel training: <see cref="World"/> initialises MPI when the program was started by
/// <c>mpirun</c> (Open MPI's <c>OMPI_COMM_WORLD_SIZE</c> is set) and returns null otherwise, without loading any MPI
/// library, so the same program runs alone exactly as before. Sums over every rank are MPI_Allreduce in place. MPI's
/// default error handler stays: a failed call, or a rank that dies, ends the job (mpirun then stops the other ranks
/// and names the one that failed), so a rank never waits forever for one that is gone.
/// </summary>
public sealed unsafe class MpiCommunicator : ICollective, IDisposable
{
    private static MpiCommunicator? s_world;
    private readonly nint _comm;
    private readonly nint _float;
    private readonly nint _double;
    private readonly nint _sum;
    private bool _finalized;

    private MpiCommunicator()
    {
        nint library = NativeLibrary.Load(MpiNative.Library);
        _comm = NativeLibrary.GetExport(library, "ompi_mpi_comm_world");
        _float = NativeLibrary.GetExport(library, "ompi_mpi_float");
        _double = NativeLibrary.GetExport(library, "ompi_mpi_double");
        _sum = NativeLibrary.GetExport(library, "ompi_mpi_op_sum");
        int initialized = 0;
        Check(MpiNative.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0)
        {
            Check(MpiNative.Init(null, null), "MPI_Init");
        }

        int rank = 0, size = 0;
        Check(MpiNative.CommRank(_comm, &rank), "MPI_Comm_rank");
        Check(MpiNative.CommSize(_comm, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
    }

    /// <summary>Whether this process was started by Open MPI's mpirun (or mpiexec).</summary>
    public static bool LaunchedByMpirun => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

    /// <summary>
    /// MPI_COMM_WORLD, initialised on first use, when the process was started by mpirun; null otherwise (no MPI library is
    /// loaded then). Dispose it (MPI_Finalize) when training is done.
    /// </summary>
    /// <exception cref="DllNotFoundException">mpirun started the process but Open MPI's libmpi.so.40 is not installed.</exception>
    public static MpiCommunicator? World => LaunchedByMpirun ? s_world ??= new MpiCommunicator() : null;

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>The time spent in <see cref="AllReduceSum(Span{float})"/> so far (waiting for the other ranks included).</summary>
    public TimeSpan ReduceTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, _reduceTicks);

    /// <summary>The float all-reduces so far (one per data-parallel training step).</summary>
    public long Reductions { get; private set; }

    private long _reduceTicks;

    /// <inheritdoc/>
    public void AllReduceSum(Span<float> values)
    {
        ObjectDisposedException.ThrowIf(_finalized, this);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        fixed (float* p = values)
        {
            Check(MpiNative.Allreduce(MpiNative.InPlace, p, values.Length, _float, _sum, _comm), "MPI_Allreduce");
        }

        _reduceTicks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        Reductions++;
    }

    /// <inheritdoc/>
    public void AllReduceSum(Span<double> values)
    {
        ObjectDisposedException.ThrowIf(_finalized, this);
        fixed (double* p = values)
        {
            Check(MpiNative.Allreduce(MpiNative.InPlace, p, values.Length, _double, _sum, _comm), "MPI_Allreduce");
        }
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        ObjectDisposedException.ThrowIf(_finalized, this);
        Check(MpiNative.Barrier(_comm), "MPI_Barrier");
    }

    /// <summary>Ends the whole job with <paramref name="errorCode"/> (MPI_Abort): every rank stops.</summary>
    public void Abort(int errorCode) => MpiNative.Abort(_comm, errorCode);

    /// <summary>MPI_Finalize, once; the communicator cannot be used after it.</summary>
    public void Dispose()
    {
        if (!_finalized)
        {
            _finalized = true;
            MpiNative.Finalize();
        }
    }

    private static void Check(int code, string call)
    {
        if (code != 0)
        {
            throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
        }
    }
}
