namespace Harness.Host;

/// <summary>How the host was started. Port 0 asks the OS for a free port (tests).</summary>
public sealed record HarnessHostOptions(int Ec2Port = 4580, int ImdsPort = 4581, int Seed = 1);
