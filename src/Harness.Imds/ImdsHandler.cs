using System.Globalization;
using System.Net;
using System.Text;
using Harness.ControlPlane;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Clouds;
using Microsoft.AspNetCore.Http;

namespace Harness.Imds;

/// <summary>
/// Serves every instance's metadata from one listener. The instance is the one whose loopback address the client
/// connected to (so an unmodified SDK needs only a base URL), or, on 127.0.0.1 and through a published port, the one
/// whose id begins the path (a base URL such as <c>http://127.0.0.1:4581/i-0123…/</c>) or is named by
/// <c>X-Harness-Instance-Id</c>. A registered client's alias address serves its instance's metadata and records each
/// request (<see cref="ClientTaps"/>). IMDSv2's rules follow IMDS.md; the tree itself is <see cref="MetadataTree"/>.
/// </summary>
public sealed partial class ImdsHandler
{
    public const string InstanceHeader = "X-Harness-Instance-Id";
    private const string DropItem = "harness.drop";
    private const string TokenHeader = "X-aws-ec2-metadata-token";
    private const string TtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
    private const uint BaseAddress = 0x7F000001;

    /// <summary>Whom a token asked for at the shared address's root belongs to (no instance id is empty).</summary>
    private const string SharedAddressToken = "";

    /// <summary>The versions real IMDS lists at <c>/</c>; each serves the same tree as <c>latest</c> here.</summary>
    private static readonly string[] Versions =
    [
        "1.0", "2007-01-19", "2007-03-01", "2007-08-29", "2007-10-10", "2007-12-15", "2008-02-01", "2008-09-01", "2009-04-04",
        "2011-01-01", "2011-05-01", "2012-01-12", "2014-02-25", "2014-11-05", "2015-10-20", "2016-04-01", "2016-06-30",
        "2016-09-02", "2018-03-28", "2018-08-17", "2018-09-24", "2019-10-01", "2020-10-27", "2021-01-03", "2021-03-23",
        "2021-07-15", "2022-09-24", "2024-04-11", "latest",
    ];

    private static readonly string VersionList = string.Join('\n', Versions);

    private readonly MetadataPropagation propagation;
    private readonly RegionDirectory regions;
    private readonly ClientTaps taps;
    private readonly FaultBook faults;
    private readonly TimeProvider time;
    private readonly ImdsTokens tokens;
    private readonly RamCredentials ramCredentials;

    public ImdsHandler(
        MetadataPropagation propagation, RegionDirectory regions, ClientTaps taps, FaultBook faults, HarnessOptions options, TimeProvider time,
        ClusterSecret? secret = null)
    {
        this.propagation = propagation;
        this.regions = regions;
        this.taps = taps;
        this.faults = faults;
        this.time = time;
        tokens = new ImdsTokens(time, () => propagation.Generation, secret is null ? null : () => secret.Key);
        ramCredentials = new RamCredentials(time);
    }

    public Task HandleAsync(HttpContext http)
    {
        http.Response.Headers.Server = "EC2ws";
        if (http.Request.Headers.ContainsKey("X-Forwarded-For"))
        {
            return ImdsResponses.Error(http, StatusCodes.Status403Forbidden);
        }

        if (!TryFindInstance(http, out var slot, out var tap, out var refusal))
        {
            return refusal;
        }

        return tap is null ? Respond(http, slot) : ServeRecordedAsync(http, slot, tap);
    }

    /// <summary>
    /// Drops the connection without a reply. A recorded client's request is dropped once it is recorded, so a client
    /// that sees the reset and then asks for its records finds this one there.
    /// </summary>
    private static void Drop(HttpContext http)
    {
        if (http.Response.Body is HeldReplyStream)
        {
            http.Items[DropItem] = true;
        }
        else
        {
            http.Abort();
        }
    }

    /// <summary>Answers from the instance's view, through the metadata faults in force when there are any.</summary>
    private Task Respond(HttpContext http, MetadataSlot slot)
    {
        var active = faults.Metadata;
        return active.Length == 0 ? Serve(http, slot, slot.View) : ServeFaultedAsync(http, slot, active);
    }

    /// <summary>
    /// Serves a registered client and records the request with what it was answered, before the reply leaves: a client
    /// that exits the instant it reads a reply has that read on record.
    /// </summary>
    private async Task ServeRecordedAsync(HttpContext http, MetadataSlot slot, ClientTap tap)
    {
        var at = time.GetUtcNow();
        var started = time.GetTimestamp();
        var response = http.Response;
        var held = new HeldReplyStream(response.Body);
        response.Body = held;
        try
        {
            await Respond(http, slot);
        }
        finally
        {
            response.Body = held.Inner;
            if (taps.BeforeRecord is { } hook)
            {
                await hook();
            }

            var dropped = http.RequestAborted.IsCancellationRequested || http.Items.ContainsKey(DropItem);
            var body = dropped ? null : held.Text;
            tap.Record(new TapRecord(
                at, "imds", http.Request.Method, http.Request.Path.Value ?? "", dropped ? 0 : response.StatusCode, null,
                body, time.GetElapsedTime(started).TotalMilliseconds, Current(http, slot, body), FaultNotes.Of(http.Items)));
            if (http.Items.ContainsKey(DropItem))
            {
                http.Abort();
            }
        }

        if (!http.RequestAborted.IsCancellationRequested)
        {
            await held.ReleaseAsync(http.RequestAborted);
        }
    }

    /// <summary>Whether a 200 reply is what the instance's metadata will answer once everything on its way has arrived.</summary>
    private bool? Current(HttpContext http, MetadataSlot slot, string? body)
    {
        // Only a read of the tree can be stale: a token (PUT /latest/api/token) is not a view of anything, and a HEAD
        // reply has no body to compare.
        if (body is null || http.Response.StatusCode != StatusCodes.Status200OK || !HttpMethods.IsGet(http.Request.Method)
            || propagation.Describe(slot.InstanceId) is not { } status)
        {
            return null;
        }

        var path = CollapseSlashes(http.Request.Path.Value ?? "");
        var slash = path.IndexOf('/', 1);
        if (slash < 0 || path[slash..].TrimEnd('/') == "/api/token")
        {
            return null;
        }

        var control = regions.Get(slot.Region).Instances.GetValueOrDefault(slot.InstanceId);
        return (slot.Cloud == Cloud.Alibaba
            ? AlibabaMetadataTree.Resolve(status.Desired, control, path[slash..], ramCredentials, slot)
            : MetadataTree.Resolve(status.Desired, control, path[slash..])) == body;
    }

    private Task Serve(HttpContext http, MetadataSlot slot, MetadataView view)
    {
        var request = http.Request;
        if (view.State != "running")
        {
            // A stopped or terminated instance runs nothing that could answer; the client sees the connection drop.
            Drop(http);
            return Task.CompletedTask;
        }

        var control = regions.Get(slot.Region).Instances.GetValueOrDefault(slot.InstanceId);
        var metadataOptions = control?.MetadataOptions ?? MetadataOptionsView.Default;
        if (metadataOptions.HttpEndpoint == "disabled")
        {
            return ImdsResponses.Error(http, StatusCodes.Status403Forbidden);
        }

        var path = request.Path.Value;
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            // OPTIONS * and CONNECT have no path to serve.
            return ImdsResponses.Error(http, StatusCodes.Status400BadRequest);
        }

        if (path.Contains("//", StringComparison.Ordinal))
        {
            // IMDS ignores doubled slashes, and SDKs send them (ec2-metadata-service joins "/" + "/latest/…").
            path = CollapseSlashes(path);
        }

        var slash = path.IndexOf('/', 1);
        var version = slash < 0 ? path[1..] : path[1..slash];
        var rest = slash < 0 ? "" : path[slash..];
        if (slot.Cloud == Cloud.Alibaba)
        {
            return ServeAlibaba(http, slot, view, control, path, version, rest);
        }

        if (rest.TrimEnd('/') == "/api/token")
        {
            return Token(http, slot.InstanceId, version);
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return ImdsResponses.Error(http, StatusCodes.Status405MethodNotAllowed);
        }

        if (request.Headers.TryGetValue(TokenHeader, out var token))
        {
            // A token that is bad or expired is refused even where tokens are optional (IMDS.md).
            var text = token.ToString();
            if (!tokens.IsValid(text, slot.InstanceId) && !(request.PathBase.HasValue && tokens.IsValid(text, SharedAddressToken)))
            {
                return ImdsResponses.Error(http, StatusCodes.Status401Unauthorized);
            }
        }
        else if (metadataOptions.HttpTokens == "required")
        {
            return ImdsResponses.Error(http, StatusCodes.Status401Unauthorized);
        }

        if (path == "/")
        {
            return ImdsResponses.Text(http, VersionList);
        }

        if (Array.IndexOf(Versions, version) < 0)
        {
            return ImdsResponses.Error(http, StatusCodes.Status404NotFound);
        }

        var body = MetadataTree.Resolve(view, control, rest);
        return body is null ? ImdsResponses.Error(http, StatusCodes.Status404NotFound) : ImdsResponses.Text(http, body);
    }

    private Task Token(HttpContext http, string instanceId, string version)
    {
        if (!HttpMethods.IsPut(http.Request.Method))
        {
            return ImdsResponses.Error(http, StatusCodes.Status405MethodNotAllowed);
        }

        if (version != "latest")
        {
            return ImdsResponses.Error(http, StatusCodes.Status403Forbidden);
        }

        var ttlText = http.Request.Headers[TtlHeader].ToString();
        if (!int.TryParse(ttlText, NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) || ttl is < 1 or > ImdsTokens.MaxTtlSeconds)
        {
            return ImdsResponses.Error(http, StatusCodes.Status400BadRequest);
        }

        http.Response.Headers[TtlHeader] = ttlText;
        return ImdsResponses.Text(http, tokens.Issue(instanceId, ttl));
    }

    private bool TryFindInstance(
        HttpContext http, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MetadataSlot? slot, out ClientTap? tap, out Task refusal)
    {
        refusal = Task.CompletedTask;
        tap = null;
        var local = AddressOf(http.Connection.LocalIpAddress);
        if (local >> 24 == 127 && local != BaseAddress)
        {
            if (propagation.TryGetByAddress(local, out slot))
            {
                return true;
            }

            if (taps.TryGetByAddress(local, out tap))
            {
                slot = tap.Slot;
                return true;
            }

            // No instance has this address: nothing listens there.
            http.Abort();
            return false;
        }

        var id = http.Request.Headers[InstanceHeader].ToString();
        if (id.Length == 0 && !TryTakeInstancePrefix(http.Request, out id))
        {
            slot = null;
            if (IsTokenPath(http.Request.Path.Value))
            {
                // JavaScript's MetadataService asks for its token at the root even when its base URL has a path: a token
                // from here is the shared address's, and good for every instance reached through a path on it.
                refusal = Token(http, SharedAddressToken, "latest");
                return false;
            }

            refusal = ImdsResponses.Plain(http, StatusCodes.Status400BadRequest,
                $"This address serves tools: start the path with the instance's id (metadataUrl in GET /_harness/instances/{{id}}), name it with {InstanceHeader}, or connect to the instance's own address (imdsEndpoint).");
            return false;
        }

        if (propagation.TryGetByInstanceId(id, out slot))
        {
            return true;
        }

        // A registered client's id as the path: its instance's metadata, each request recorded (as at its own address).
        if (http.Request.PathBase.HasValue && taps.TryGet(id, out tap))
        {
            slot = tap.Slot;
            return true;
        }

        refusal = ImdsResponses.Plain(http, StatusCodes.Status404NotFound, $"No instance {id} has metadata here.");
        return false;
    }

    /// <summary>
    /// Through a published port, where every instance shares one address, a base URL can still name the instance: its
    /// id as the path's first segment (<c>/i-0123…/latest/meta-data/</c>), or a registered client's id (<c>/client-3/…</c>). The SDKs keep a base URL's path and append
    /// theirs. The segment moves to the request's path base, so the rest is served as on the instance's own address.
    /// </summary>
    private static bool TryTakeInstancePrefix(HttpRequest request, out string id)
    {
        var path = request.Path.Value ?? "";
        if (path.Contains("//", StringComparison.Ordinal))
        {
            path = CollapseSlashes(path);
        }

        id = "";
        if (!path.StartsWith("/i-", StringComparison.Ordinal) && !path.StartsWith("/" + ClientTaps.IdPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var end = path.IndexOf('/', 1);
        id = end < 0 ? path[1..] : path[1..end];
        request.PathBase = request.PathBase.Add(new PathString("/" + id));
        request.Path = end < 0 ? new PathString("/") : new PathString(path[end..]);
        return true;
    }

    private static bool IsTokenPath(string? path) =>
        path is not null && CollapseSlashes(path).TrimEnd('/') == "/latest/api/token";

    private static string CollapseSlashes(string path)
    {
        var collapsed = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c != '/' || collapsed.Length == 0 || collapsed[^1] != '/')
            {
                collapsed.Append(c);
            }
        }

        return collapsed.ToString();
    }

    private static uint AddressOf(IPAddress? address)
    {
        if (address is null)
        {
            return 0;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[4];
        return address.TryWriteBytes(bytes, out var written) && written == 4
            ? (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3])
            : 0;
    }
}
