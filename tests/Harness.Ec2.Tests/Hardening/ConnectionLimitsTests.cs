using Harness.Host.Hardening;

namespace Harness.Ec2.Tests.Hardening;

/// <summary>The default connection limits keep both listeners' sockets inside the open-file limit less the reserve.</summary>
public sealed class ConnectionLimitsTests
{
    [Theory]
    [InlineData(1_024)]
    [InlineData(2_048)]
    [InlineData(4_096)]
    [InlineData(20_000)]
    [InlineData(65_536)]
    [InlineData(1_048_576)]
    public void Largest_IsTheMostWhoseSocketsFitTheLimitLessTheReserve(long fileLimit)
    {
        var room = fileLimit - ConnectionLimits.Reserve(fileLimit);
        var largest = ConnectionLimits.Largest(fileLimit);

        Assert.True(2L * new ConnectionLimits(largest, fileLimit).AcceptLimit <= room, $"{largest} per listener overflows {room}");
        Assert.True(2L * new ConnectionLimits(largest + 1, fileLimit).AcceptLimit > room - 2, $"{largest + 1} per listener would fit {room} too");
        Assert.Equal(largest, ConnectionLimits.For(fileLimit, null).PerListener);
    }

    [Fact]
    public void AcceptLimit_LeavesRoomAboveThePerListenerLimit()
    {
        var limits = new ConnectionLimits(1_600, 20_000);

        Assert.Equal(1_600 + 100 + 16, limits.AcceptLimit);
    }

    [Fact]
    public async Task Serve_RefusesAConnectionLimitPastTheOpenFileLimit()
    {
        var error = await Assert.ThrowsAsync<ServeFailedException>(() => ServeProcess.StartAsync(fileLimit: 2_048, "--max-connections", "5000"));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains($"--max-connections 5000 does not fit the open-file limit 2048: at most {ConnectionLimits.Largest(2_048)} per listener",
            error.Errors, StringComparison.Ordinal);
    }
}
