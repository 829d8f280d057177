#!/usr/bin/python3
"""Time from process start to the first prediction printed, and peak resident memory, of a predictor command.

    python3 first_prediction.py [--runs 20] [--stdin FILE] -- COMMAND ARGS...

Each run starts COMMAND (with FILE on standard input when given), reads its standard output until the first line
after the "row,probability" header, and records the time since just before the process was started; the process
then runs to its end and its peak resident set (ru_maxrss) is recorded. Prints the median, minimum and maximum time
and the median peak memory over the runs. The clock includes fork and exec of the command (about 1 ms here).
"""
import argparse, os, statistics, subprocess, sys, time


def one_run(command, stdin_path):
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    header = process.stdout.readline()
    first = process.stdout.readline()
    elapsed = time.perf_counter() - start
    if header.strip() != b"row,probability" or not first:
        raise SystemExit(f"{command[0]} printed {header!r} {first!r}, not a header and a prediction")
    process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if stdin_path:
        stdin.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} exited with {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--stdin")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    one_run(command, args.stdin)  # warms the page cache; not counted
    results = [one_run(command, args.stdin) for _ in range(args.runs)]
    times = sorted(1000 * t for t, _ in results)
    memory = statistics.median(kb for _, kb in results) / 1024
    print(f"first prediction: median {statistics.median(times):.1f} ms (min {times[0]:.1f}, max {times[-1]:.1f}, {args.runs} runs); "
          f"peak RSS {memory:.1f} MiB: {' '.join(command)}")


if __name__ == "__main__":
    main()
