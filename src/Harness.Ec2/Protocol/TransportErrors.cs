using Harness.ControlPlane.Http;
using Harness.Domain.Errors;
using Microsoft.AspNetCore.Http;

namespace Harness.Ec2.Protocol;

/// <summary>
/// Kestrel's own request errors (a body over the cap, a malformed chunk, a body arriving too slowly) in EC2's error
/// envelope, keeping Kestrel's 4xx status: they are the client's doing, never an InternalError.
/// </summary>
internal static class TransportErrors
{
    public static Ec2Exception BodyTooLarge() =>
        new("InvalidRequest", $"The request body exceeds {FormParser.MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);

    public static Ec2Exception From(BadHttpRequestException error) => error.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => BodyTooLarge(),
        StatusCodes.Status408RequestTimeout => new("RequestTimeout", "The request body arrived too slowly.", StatusCodes.Status408RequestTimeout),
        var status => new("InvalidRequest", $"The request is malformed: {error.Message}", status is >= 400 and < 500 ? status : StatusCodes.Status400BadRequest),
    };

    /// <summary>
    /// Kestrel reports a chunk size too large to parse as a plain IOException ("Bad chunk size data."); on a connection
    /// the client closed, the reply this makes simply goes nowhere.
    /// </summary>
    public static Ec2Exception From(IOException error) =>
        new("InvalidRequest", $"The request body is malformed: {error.Message}", StatusCodes.Status400BadRequest);
}
