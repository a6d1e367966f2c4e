using Harness.Domain.Errors;

namespace Harness.ControlPlane.Tests;

/// <summary>Asserts that a control-plane call fails with an EC2 error code.</summary>
public static class Ec2Assert
{
    public static async Task<Ec2Exception> ThrowsAsync(string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<Ec2Exception>(() => call().WaitAsync(ControlPlaneHost.HangGuard));
        Assert.Equal(code, error.Code);
        return error;
    }
}
