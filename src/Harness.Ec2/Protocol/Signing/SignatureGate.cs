using Harness.ControlPlane;
using Harness.ControlPlane.Http;
using Harness.Domain.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.Ec2.Protocol.Signing;

/// <summary>
/// The first thing an EC2 request meets when <c>serve --verify-signatures</c> is on: its signature is checked against
/// the configured credentials before its parameters are read or any state is touched.
/// </summary>
internal static class SignatureGate
{
    /// <summary>The signature styles this facade accepts; a second dialect adds its own here.</summary>
    private static readonly ISignatureStyle[] Styles = [new SigV4Style()];

    public static async Task CheckAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<HarnessOptions>();
        if (!options.VerifySignatures)
        {
            return;
        }

        var request = await CaptureAsync(http);
        var style = Styles.FirstOrDefault(s => s.Recognises(request)) ?? throw SigV4Errors.AuthFailure();
        style.Verify(request, options.Credentials, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
    }

    /// <summary>
    /// The request as signed. The body is read whole (the payload hash covers its raw bytes) and put back as a buffer,
    /// so the Query parser reads the same bytes afterwards.
    /// </summary>
    private static async Task<SignedRequest> CaptureAsync(HttpContext http)
    {
        var body = new MemoryStream();
        var limit = FormParser.MaxBodyBytes + 1L;
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            body.Write(buffer, 0, read);
            if (body.Length >= limit)
            {
                break;
            }
        }

        if (body.Length >= limit)
        {
            throw Ec2Errors.InvalidParameterValue($"The request body exceeds {FormParser.MaxBodyBytes} bytes.");
        }

        var bytes = body.ToArray();
        http.Request.Body = new MemoryStream(bytes, writable: false);

        var (path, query) = RawTarget(http);
        return new SignedRequest(http.Request.Method, path, query, http.Request.Headers, bytes);
    }

    /// <summary>The path and query exactly as sent: the canonical URI is computed from what the client signed, not from a decoded path.</summary>
    private static (string Path, string Query) RawTarget(HttpContext http)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || !target.StartsWith('/'))
        {
            return ((http.Request.PathBase + http.Request.Path).ToUriComponent(), http.Request.QueryString.Value ?? "");
        }

        var question = target.IndexOf('?');
        return question < 0 ? (target, "") : (target[..question], target[question..]);
    }
}
