namespace Harness.Load.Engine;

/// <summary>What one step call came to: ok, or failed with a code (an EC2 error code, an HTTP status, "timeout").</summary>
public readonly record struct StepResult(string? FailCode)
{
    public static StepResult Ok { get; } = new((string?)null);

    public bool IsOk => FailCode is null;

    public static StepResult Fail(string code) => new(code);
}
