using System.Globalization;
using System.Text;
using Harness.ControlPlane;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Http;
using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;
using Harness.Ec2.Protocol;
using Harness.Ec2.Protocol.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Harness.Ec2;

/// <summary>The EC2 Query-protocol facade: <c>POST /</c> (form body) and <c>GET /</c> (query string).</summary>
public static partial class Ec2ApiEndpoints
{
    private static long requestCounter;

    /// <summary>The actions the facade serves (what a fault's <c>action=</c> may name).</summary>
    public static IReadOnlyCollection<string> Actions => ActionTable.Handlers.Keys;

    public static IEndpointRouteBuilder MapEc2Api(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/", HandleAsync);
        endpoints.MapGet("/", HandleAsync);

        // A registered client's own endpoint (AWS_ENDPOINT_URL_EC2 in a scenario): the same API, with each call recorded.
        endpoints.MapPost(TappedPath, HandleTappedAsync).WithDescription(TappedDescription);
        endpoints.MapGet(TappedPath, HandleTappedAsync).WithDescription(TappedDescription);
        return endpoints;
    }

    private const string TappedPath = "/_harness/clients/{clientId}/ec2";

    private const string TappedDescription = "A registered client's own EC2 endpoint: the Query API, every call recorded";

    private static async Task HandleAsync(HttpContext http)
    {
        // Inside the world gate from before any state is read until the reply is written: a reset waits for it.
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

    private static Task HandleTappedAsync(HttpContext http, string clientId) =>
        TappedApiCall.HandleAsync(http, clientId, "ec2", ServeAsync, Describe);

    /// <summary>The request's parameters other than the action, version and signature, as <c>Name=value</c> lines.</summary>
    private static string Describe(Dictionary<string, string> values) => string.Join('\n', values
        .Where(p => p.Key is not ("Action" or "Version") && !p.Key.StartsWith("X-Amz-", StringComparison.Ordinal))
        .Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Answers one Query request; <paramref name="values"/> receives its parameters.</summary>
    private static async Task<(string? Action, int Status, string? Code)> ServeAsync(HttpContext http, Dictionary<string, string> values)
    {
        var services = http.RequestServices;
        var requestId = NextRequestId();
        string? action = null;
        try
        {
            await SignatureGate.CheckAsync(http); // off unless serve --verify-signatures; before anything reads the request or state
            await ReadParametersAsync(http.Request, values);
            values.TryGetValue("Action", out action);
            // EC2 checks who is calling, and where, before what is asked.
            var region = SigV4Scope.RegionOf(http.Request.Headers.Authorization, values.GetValueOrDefault("X-Amz-Credential"));
            if (string.IsNullOrEmpty(action))
            {
                throw new Ec2Exception("MissingAction", "The request must contain the parameter Action");
            }

            if (!ActionTable.Handlers.TryGetValue(action, out var handler))
            {
                throw Ec2Errors.InvalidAction(action);
            }

            if (ParameterCatalog.FindUnknown(action, values.Keys) is { } unknown)
            {
                throw Ec2Errors.UnknownParameter(unknown);
            }

            var state = services.GetRequiredService<RegionDirectory>().Get(region);
            var faults = services.GetRequiredService<FaultBook>();
            if (faults.Ec2 is { Length: > 0 } active)
            {
                state = await ApplyFaultsAsync(http, faults, active, action, values, state);
            }

            var context = new Ec2Context(
                action, requestId, state, new QueryParameters(values),
                services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<HarnessOptions>(),
                services);
            await handler(context);
            await WriteAsync(http, 200, context.Response.Complete());
            return (action, 200, null);
        }
        catch (Ec2Exception error)
        {
            await WriteAsync(http, error.StatusCode, XmlResponse.Error(error.Code, error.Message, requestId));
            return (action, error.StatusCode, error.Code);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogUnexpected(services.GetRequiredService<ILoggerFactory>().CreateLogger("Harness.Ec2"), action ?? "", error);
            var internalError = Ec2Errors.InternalError();
            await WriteAsync(http, internalError.StatusCode, XmlResponse.Error(internalError.Code, internalError.Message, requestId));
            return (action, internalError.StatusCode, internalError.Code);
        }
    }

    private static async Task ReadParametersAsync(HttpRequest request, Dictionary<string, string> values)
    {
        if (request.QueryString.HasValue)
        {
            FormParser.Parse(request.QueryString.Value!, values);
        }

        // A declared Content-Length over the cap is then refused by Kestrel on the first read (or on draining a body that
        // is not a form), before the body is sent.
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
            if (!await FormParser.ReadBodyAsync(request.BodyReader, values))
            {
                throw TransportErrors.BodyTooLarge();
            }
        }
        catch (BadHttpRequestException error)
        {
            throw TransportErrors.From(error);
        }
        catch (IOException error)
        {
            throw TransportErrors.From(error);
        }
    }

    private static Task WriteAsync(HttpContext http, int status, string body)
    {
        // One buffer with a Content-Length: a chunked reply would cost a second write per request.
        var bytes = Encoding.UTF8.GetBytes(body);
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/xml;charset=UTF-8";
        http.Response.ContentLength = bytes.Length;
        http.Response.Headers.Server = "AmazonEC2";
        return http.Response.Body.WriteAsync(bytes).AsTask();
    }

    /// <summary>Request ids are UUID-shaped and sequential: no wall clock, no unseeded randomness (invariant 4).</summary>
    private static string NextRequestId()
    {
        var n = Interlocked.Increment(ref requestCounter);
        var hex = n.ToString("x12", CultureInfo.InvariantCulture);
        return $"7a62c49f-347e-4fc4-9331-{hex}";
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Unexpected failure in {Action}")]
    private static partial void LogUnexpected(ILogger logger, string action, Exception error);
}
