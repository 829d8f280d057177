using System.Globalization;
using ModelGen.Mpi;

// Under mpirun: each rank contributes rank + 1 (and rank * 0.5 in double) at every element of 1,000 floats; every rank must
// read the sums. "die" makes rank 1 exit after the first sum while rank 0 waits in a second one: mpirun must stop the job.
string mode = args.Length > 0 ? args[0] : "sum";
if (!MpiCommunicator.LaunchedByMpirun)
{
    Console.WriteLine("alone: no MPI library loaded, " + (MpiCommunicator.World is null ? "World is null" : "World is set"));
    return 0;
}

using MpiCommunicator world = MpiCommunicator.World!;
var floats = new float[1000];
Array.Fill(floats, world.Rank + 1);
world.AllReduceSum(floats);
var doubles = new double[3];
Array.Fill(doubles, world.Rank * 0.5);
world.AllReduceSum(doubles);
float expected = world.Size * (world.Size + 1) / 2f;
bool ok = floats.All(v => v == expected) && doubles.All(v => v == 0.25 * world.Size * (world.Size - 1));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank {world.Rank} of {world.Size}: float sum {floats[0]}, double sum {doubles[0]}, {(ok ? "ok" : "WRONG")}"));
if (mode == "die")
{
    if (world.Rank == 1)
    {
        Environment.Exit(3);
    }

    world.AllReduceSum(floats);
    Console.WriteLine($"rank {world.Rank}: the second sum returned without rank 1");
}

world.Barrier();
return ok ? 0 : 1;
