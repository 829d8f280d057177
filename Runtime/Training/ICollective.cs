namespace ModelGen;

/// <summary>
/// The processes that train one model together, data-parallel (one process per rank, as <c>mpirun -np N</c> starts
/// them): each rank computes the gradients of its share of every global batch, and sums over all ranks make them one
/// step. ModelGen.Mpi implements it over Open MPI; the runtime only calls this interface, as it calls a back end.
/// Every rank must make the same calls in the same order.
/// </summary>
public interface ICollective
{
    /// <summary>This process's rank, from 0 to <see cref="Size"/> - 1; rank 0 prints and writes files.</summary>
    int Rank { get; }

    /// <summary>The number of ranks.</summary>
    int Size { get; }

    /// <summary>Replaces <paramref name="values"/> on every rank by their element-wise sum over all ranks.</summary>
    void AllReduceSum(Span<float> values);

    /// <summary>Replaces <paramref name="values"/> on every rank by their element-wise sum over all ranks.</summary>
    void AllReduceSum(Span<double> values);

    /// <summary>Returns when every rank has called it.</summary>
    void Barrier();
}
