using BenchmarkDotNet.Running;
using TwatCache.Benchmarks;

// "scale ..." grows a store and measures it (ScaleRunner); anything else goes to BenchmarkDotNet,
// e.g. --filter '*' --artifacts out/bench/bdn
if (args.Length > 0 && args[0] == "scale") return ScaleRunner.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args);
return 0;
