// Publish and pack both build the runtime and the generator; running them at once would race on their outputs.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
