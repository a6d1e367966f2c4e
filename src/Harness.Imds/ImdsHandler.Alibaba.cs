using System.Globalization;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Microsoft.AspNetCore.Http;

namespace Harness.Imds;

/// <summary>
/// An Alibaba Cloud instance's metadata service (ALIBABA.md §6): the same lagging view, Alibaba's tree and its hardened
/// mode: <c>PUT /latest/api/token</c> with <c>X-aliyun-ecs-metadata-token-ttl-seconds</c> (1 to 21600, else 400), reads with
/// <c>X-aliyun-ecs-metadata-token</c> (a bad or expired one is 401), and with HttpTokens=required a read without one is 403.
/// </summary>
public sealed partial class ImdsHandler
{
    private const string AlibabaTokenHeader = "X-aliyun-ecs-metadata-token";
    private const string AlibabaTtlHeader = "X-aliyun-ecs-metadata-token-ttl-seconds";

    private Task ServeAlibaba(HttpContext http, MetadataSlot slot, MetadataView view, InstanceView? control, string path, string version, string rest)
    {
        var request = http.Request;
        http.Response.Headers.Remove("Server"); // EC2's "EC2ws" is not Alibaba's, whose own is unconfirmed
        if (rest.TrimEnd('/') == "/api/token")
        {
            return AlibabaToken(http, slot.InstanceId, version);
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return ImdsResponses.Error(http, StatusCodes.Status405MethodNotAllowed);
        }

        if (request.Headers.TryGetValue(AlibabaTokenHeader, out var token))
        {
            if (!tokens.IsValid(token.ToString(), slot.InstanceId))
            {
                return ImdsResponses.Error(http, StatusCodes.Status401Unauthorized);
            }
        }
        else if ((control?.MetadataOptions ?? MetadataOptionsView.Default).HttpTokens == "required")
        {
            return ImdsResponses.Error(http, StatusCodes.Status403Forbidden);
        }

        if (path == "/")
        {
            return ImdsResponses.Text(http, AlibabaMetadataTree.Versions);
        }

        if (!AlibabaMetadataTree.IsVersion(version))
        {
            return ImdsResponses.Error(http, StatusCodes.Status404NotFound);
        }

        var body = AlibabaMetadataTree.Resolve(view, control, rest, ramCredentials, slot);
        return body is null ? ImdsResponses.Error(http, StatusCodes.Status404NotFound) : ImdsResponses.Text(http, body);
    }

    private Task AlibabaToken(HttpContext http, string instanceId, string version)
    {
        if (!HttpMethods.IsPut(http.Request.Method))
        {
            return ImdsResponses.Error(http, StatusCodes.Status405MethodNotAllowed);
        }

        if (version != "latest")
        {
            return ImdsResponses.Error(http, StatusCodes.Status404NotFound);
        }

        var ttlText = http.Request.Headers[AlibabaTtlHeader].ToString();
        if (!int.TryParse(ttlText, NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) || ttl is < 1 or > ImdsTokens.MaxTtlSeconds)
        {
            return ImdsResponses.Error(http, StatusCodes.Status400BadRequest);
        }

        return ImdsResponses.Text(http, tokens.Issue(instanceId, ttl));
    }
}
