namespace Harness.Load;

/// <summary>Placeholder until the calibration lands.</summary>
internal static class CalibrateCommand
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(args.Length >= 0 ? 2 : 2);
}
