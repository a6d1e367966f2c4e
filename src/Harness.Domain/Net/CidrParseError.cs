namespace Harness.Domain.Net;

public enum CidrParseError
{
    None,
    Malformed,
    HostBitsSet,
}
