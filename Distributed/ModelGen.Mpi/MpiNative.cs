using System.Runtime.InteropServices;

namespace ModelGen.Mpi;

/// <summary>
/// The MPI calls data-parallel training needs, bound to Open MPI's libmpi (Debian's libopenmpi-dev: libmpi.so.40) by
/// source-generated P/Invoke. Open MPI's handles are the addresses of its predefined objects (<c>ompi_mpi_comm_world</c>,
/// <c>ompi_mpi_float</c>, <c>ompi_mpi_op_sum</c>), read from the library once it is loaded. Every call returns MPI's
/// error code, 0 for success.
/// </summary>
internal static unsafe partial class MpiNative
{
    /// <summary>Open MPI's library, as Debian installs it; the versioned name, since the unversioned link comes only with -dev.</summary>
    public const string Library = "libmpi.so.40";

    [LibraryImport(Library, EntryPoint = "MPI_Init")]
    public static partial int Init(int* argc, byte*** argv);

    [LibraryImport(Library, EntryPoint = "MPI_Initialized")]
    public static partial int Initialized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Finalize")]
    public static partial int Finalize();

    [LibraryImport(Library, EntryPoint = "MPI_Comm_rank")]
    public static partial int CommRank(nint comm, int* rank);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_size")]
    public static partial int CommSize(nint comm, int* size);

    [LibraryImport(Library, EntryPoint = "MPI_Allreduce")]
    public static partial int Allreduce(void* send, void* receive, int count, nint datatype, nint op, nint comm);

    [LibraryImport(Library, EntryPoint = "MPI_Barrier")]
    public static partial int Barrier(nint comm);

    [LibraryImport(Library, EntryPoint = "MPI_Abort")]
    public static partial int Abort(nint comm, int errorCode);

    /// <summary><c>MPI_IN_PLACE</c> in Open MPI: the address 1.</summary>
    public static readonly void* InPlace = (void*)1;
}
