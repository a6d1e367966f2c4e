using System.Globalization;
using System.Text.Json.Nodes;
using Harness.ControlPlane;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Http;
using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;
using Harness.Ecs.Actions;
using Harness.Ecs.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Harness.Ecs;

/// <summary>
/// Alibaba Cloud's RPC-style ECS and VPC APIs on their own port (<c>serve --ecs-port</c>): <c>GET /</c> with the
/// parameters in the query, <c>POST /</c> with them in a form body or the query (ALIBABA.md §1); the action and version
/// from the <c>Action</c>/<c>Version</c> parameters (HMAC-SHA1 clients) or the <c>x-acs-action</c>/<c>x-acs-version</c>
/// headers (ACS3 clients). Signatures are parsed by the clients' rules (<see cref="AcsSignature"/>) but not verified.
/// </summary>
public static partial class EcsApiEndpoints
{
    public const string EcsVersion = "2014-05-26";

    public const string VpcVersion = "2016-04-28";

    private static long requestCounter;

    /// <summary>The ECS and VPC actions served (what an <c>ecs-*</c> fault's <c>action=</c> may name).</summary>
    public static IReadOnlyCollection<string> Actions { get; } = [.. EcsActions.Handlers.Keys.Concat(VpcActions.Handlers.Keys).Distinct()];

    /// <summary>Answers one request (the ECS port's only handler).</summary>
    public static async Task HandleAsync(HttpContext http)
    {
        // Inside the world gate from before any state is read until the reply is written, as EC2 requests are.
        var gate = http.RequestServices.GetRequiredService<WorldGate>();
        await gate.EnterAsync(http.RequestAborted);
        try
        {
            await ServeAsync(http, new Dictionary<string, string>(StringComparer.Ordinal));
        }
        finally
        {
            gate.Leave();
        }
    }

    /// <summary>
    /// Maps a registered client's own ECS endpoint on the EC2 port (where the control API is): the same RPC API, each call
    /// recorded on the client's tap as <c>ecs</c>, as its EC2 calls are at <c>/_harness/clients/{id}/ec2</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapEcsTapped(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TappedPath, HandleTappedAsync).WithDescription(TappedDescription);
        endpoints.MapGet(TappedPath, HandleTappedAsync).WithDescription(TappedDescription);
        return endpoints;
    }

    private const string TappedPath = "/_harness/clients/{clientId}/ecs";

    private const string TappedDescription = "A registered client's own ECS/VPC endpoint (Alibaba Cloud RPC API), every call recorded";

    private static Task HandleTappedAsync(HttpContext http, string clientId) =>
        TappedApiCall.HandleAsync(http, clientId, "ecs", ServeAsync, values => string.Join('\n', values
            .Where(p => p.Key is not ("Action" or "Version" or "Signature" or "SignatureNonce")).Select(p => $"{p.Key}={p.Value}")));

    /// <summary>Answers one request; <paramref name="values"/> receives its parameters. Returns the action, the status and the error code.</summary>
    private static async Task<(string? Action, int Status, string? Code)> ServeAsync(HttpContext http, Dictionary<string, string> values)
    {
        var services = http.RequestServices;
        var requestId = NextRequestId();
        var xml = false;
        var host = "ecs.aliyuncs.com";
        string? action = null;
        try
        {
            try
            {
                await ReadParametersAsync(http.Request, values);
            }
            catch (AlibabaException)
            {
                // The body could not be read: the reply takes the format the query asked for, if it did.
                xml = WantsXml(http, values);
                throw;
            }

            var parameters = new RpcParameters(values);
            action = parameters.Get("Action") ?? Header(http, "x-acs-action");
            var version = parameters.Get("Version") ?? Header(http, "x-acs-version");
            xml = WantsXml(http, values);
            host = version == VpcVersion ? "vpc.aliyuncs.com" : host;
            AcsSignature.Check(http.Request, parameters);
            if (action is null)
            {
                throw AlibabaErrors.MissingParameter("Action");
            }

            var table = version switch
            {
                EcsVersion => EcsActions.Handlers,
                VpcVersion => VpcActions.Handlers,
                null => throw AlibabaErrors.MissingParameter("Version"),
                _ => throw new AlibabaException("InvalidVersion", "Specified parameter Version is not valid."),
            };
            // The ECS API of 2014-05-26 once carried the VPC and EIP actions too, and older clients (aliyungo's ecs package)
            // still send them with its version: served the same.
            if (!table.TryGetValue(action, out var handler) && !(version == EcsVersion && VpcActions.Handlers.TryGetValue(action, out handler)))
            {
                throw new AlibabaException("InvalidAction.NotFound", "Specified api is not found, please check your url and method.", 404);
            }

            if (services.GetRequiredService<FaultBook>().Ec2 is { Length: > 0 } active)
            {
                await EcsFaults.ApplyAsync(http, services.GetRequiredService<FaultBook>(), active, action, values);
            }

            var context = new EcsContext(
                action, requestId, parameters, services.GetRequiredService<RegionDirectory>(), services.GetRequiredService<IGrainFactory>(),
                services.GetRequiredService<TimeProvider>(), services.GetRequiredService<HarnessOptions>(), services);
            try
            {
                await handler(context);
            }
            catch (Ec2Exception error)
            {
                throw AlibabaErrors.From(error);
            }

            await WriteAsync(http, 200, xml ? RpcResponse.Xml(action + "Response", context.Body) : RpcResponse.Json(context.Body), xml, requestId);
            return (action, 200, null);
        }
        catch (AlibabaException error)
        {
            await WriteErrorAsync(http, error, requestId, host, xml);
            return (action, error.StatusCode, error.Code);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogUnexpected(services.GetRequiredService<ILoggerFactory>().CreateLogger("Harness.Ecs"), action ?? "", error);
            var internalError = AlibabaErrors.InternalError();
            await WriteErrorAsync(http, internalError, requestId, host, xml);
            return (action, internalError.StatusCode, internalError.Code);
        }
    }

    /// <summary>XML unless <c>Format</c> says otherwise, or JSON for an ACS3 request that gives none (ALIBABA.md §2).</summary>
    private static bool WantsXml(HttpContext http, Dictionary<string, string> values) => string.Equals(
        values.GetValueOrDefault("Format") is { Length: > 0 } format ? format : Header(http, "x-acs-action") is null ? "XML" : "JSON",
        "XML",
        StringComparison.OrdinalIgnoreCase);

    private static string? Header(HttpContext http, string name) =>
        http.Request.Headers.TryGetValue(name, out var value) && value.Count > 0 && value[0] is { Length: > 0 } text ? text : null;

    private static async Task ReadParametersAsync(HttpRequest request, Dictionary<string, string> values)
    {
        if (request.QueryString.HasValue)
        {
            FormParser.Parse(request.QueryString.Value!, values);
        }

        // As on the EC2 port: a declared body over 1 MiB is refused by Kestrel on the first read, before it is sent.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = FormParser.MaxBodyBytes;
        }

        if (!request.HasFormContentType)
        {
            return;
        }

        try
        {
            // What every RPC client sends, read straight from the body as the EC2 port does; a multipart form, which none
            // sends but a hand-made request may, through ASP.NET's form reader.
            if (request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            {
                if (!await FormParser.ReadBodyAsync(request.BodyReader, values))
                {
                    throw new AlibabaException("InvalidParameter", $"The request body exceeds {FormParser.MaxBodyBytes} bytes.", 413);
                }

                return;
            }

            foreach (var (name, value) in await request.ReadFormAsync(request.HttpContext.RequestAborted))
            {
                values[name] = value.ToString();
            }
        }
        catch (InvalidDataException error)
        {
            throw new AlibabaException("InvalidParameter", "The request body is not a valid form: " + error.Message);
        }
        catch (BadHttpRequestException error)
        {
            throw new AlibabaException("InvalidParameter", error.Message, error.StatusCode);
        }
        catch (IOException error)
        {
            // After BadHttpRequestException, which is one: Kestrel reports a chunk size too large to parse ("Bad chunk
            // size data.") and the multipart reader a body that ends inside a section as plain IOExceptions.
            throw new AlibabaException("InvalidParameter", "The request body is malformed: " + error.Message);
        }
    }

    private static Task WriteErrorAsync(HttpContext http, AlibabaException error, string requestId, string host, bool xml)
    {
        var product = host.StartsWith("vpc", StringComparison.Ordinal) ? "Vpc" : "Ecs";
        var body = new JsonObject
        {
            ["RequestId"] = requestId,
            ["HostId"] = host,
            ["Code"] = error.Code,
            ["Message"] = error.Message,
            ["Recommend"] = $"https://api.aliyun.com/troubleshoot?q={Uri.EscapeDataString(error.Code)}&product={product}&requestId={requestId}",
        };
        return WriteAsync(http, error.StatusCode, xml ? RpcResponse.Xml("Error", body) : RpcResponse.Json(body), xml, requestId);
    }

    private static Task WriteAsync(HttpContext http, int status, byte[] bytes, bool xml, string requestId)
    {
        // One buffer with a Content-Length: a chunked reply would cost a second write per request.
        http.Response.StatusCode = status;
        http.Response.ContentType = xml ? RpcResponse.XmlType : RpcResponse.JsonType;
        http.Response.ContentLength = bytes.Length;
        http.Response.Headers["x-acs-request-id"] = requestId;
        return http.Response.Body.WriteAsync(bytes).AsTask();
    }

    /// <summary>Upper-case UUID-shaped and sequential, as Alibaba's look: no wall clock, no unseeded randomness.</summary>
    private static string NextRequestId()
    {
        var n = Interlocked.Increment(ref requestCounter);
        return string.Create(CultureInfo.InvariantCulture, $"4A1B5E0C-5D3F-4C8E-9A2B-{n:X12}");
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Unexpected failure in {Action}")]
    private static partial void LogUnexpected(ILogger logger, string action, Exception error);
}
