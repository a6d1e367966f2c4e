namespace Harness.Scenarios.Model;

/// <summary>Public addresses (an Elastic IP written by its address) are outside the private ranges and loopback.</summary>
internal static class PublicAddresses
{
    public static bool Contains(uint address) =>
        address >> 24 != 10 && address >> 20 != 0xAC1 && address >> 16 != 0xC0A8 && address >> 24 != 127;
}
