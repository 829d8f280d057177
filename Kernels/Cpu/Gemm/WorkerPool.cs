using System.Runtime.ExceptionServices;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// Persistent worker threads created once per back end. A job is split into parts; workers take parts
/// 0 .. parts - 2 and the calling thread runs the last part itself, then waits for the rest. Between jobs a worker
/// spins for up to <see cref="SpinTicks"/> before it blocks, and so does the caller waiting for the workers: a
/// training step hands work over dozens of times with tens of microseconds between hand-offs, and waking a blocked
/// thread cost 50 to 100 us each on the 2-core VM (a split batch norm of 131,072 floats took 120 us instead of 48 on
/// one thread). OpenMP runtimes spin the same way (GOMP_SPINCOUNT).
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    /// <summary>How long a waiting thread spins before it blocks: 1 ms.</summary>
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 1000;

    private readonly ManualResetEventSlim _done = new(false, 200);
    private IParallelJob? _job;
    private int _parts;
    private int _pending;
    private volatile bool _stopping;
    private Exception? _failure;

    /// <summary>Starts <paramref name="workers"/> background threads.</summary>
    public WorkerPool(int workers)
    {
        _threads = new Thread[workers];
        _start = new ManualResetEventSlim[workers];
        for (int w = 0; w < workers; w++)
        {
            _start[w] = new ManualResetEventSlim(false, 200);
            int index = w;
            _threads[w] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"ModelGen CPU worker {w}" };
            _threads[w].Start();
        }
    }

    /// <summary>Number of parts a job may be split into: the workers plus the calling thread.</summary>
    public int Capacity => _threads.Length + 1;

    /// <summary>Runs <paramref name="parts"/> parts of <paramref name="job"/> and returns when all are done.</summary>
    public void Run(IParallelJob job, int parts)
    {
        if (parts <= 1)
        {
            job.Execute(0, 1);
            return;
        }

        _job = job;
        _parts = parts;
        _failure = null;
        _done.Reset();
        Volatile.Write(ref _pending, parts - 1);
        for (int w = 0; w < parts - 1; w++)
        {
            _start[w].Set();
        }

        try
        {
            job.Execute(parts - 1, parts);
        }
        finally
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _pending) != 0 && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(16);
            }

            _done.Wait();
            _job = null;
        }

        if (_failure is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private void Loop(int index)
    {
        while (true)
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (!_start[index].IsSet && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(16);
            }

            _start[index].Wait();
            _start[index].Reset();
            if (_stopping)
            {
                return;
            }

            try
            {
                _job!.Execute(index, _parts);
            }
            catch (Exception e)
            {
                _failure = e;
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stopping = true;
        foreach (ManualResetEventSlim start in _start)
        {
            start.Set();
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        foreach (ManualResetEventSlim start in _start)
        {
            start.Dispose();
        }

        _done.Dispose();
    }
}
