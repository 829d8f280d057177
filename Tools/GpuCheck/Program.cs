using ModelGen.Tools.GpuCheck;

return GpuCheckRunner.Run(args, Console.Out);
