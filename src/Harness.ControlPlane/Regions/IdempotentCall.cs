namespace Harness.ControlPlane.Regions;

/// <summary>The first call made with a ClientToken: a fingerprint of its parameters, its (shared) outcome, and when it was made.</summary>
public sealed record IdempotentCall(string Fingerprint, Lazy<Task<object>> Outcome, DateTimeOffset At);
