namespace Harness.ControlPlane.Regions;

/// <summary>The first call made with a ClientToken: a fingerprint of its parameters and its (shared) outcome.</summary>
public sealed record IdempotentCall(string Fingerprint, Lazy<Task<object>> Outcome);
