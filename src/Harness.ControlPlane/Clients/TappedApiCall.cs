using Harness.ControlPlane.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.ControlPlane.Clients;

/// <summary>
/// A registered client's call to its own API endpoint (<c>/_harness/clients/{id}/ec2</c>, <c>…/ecs</c>): the same API,
/// served inside the world gate with its record and held reply, and recorded with what it was answered before the reply
/// leaves, so a client that exits the instant it reads a reply has that call on record (as its metadata reads do).
/// </summary>
public static class TappedApiCall
{
    /// <summary>Serves one request of the API; <c>values</c> receives its parameters. Returns the action, the status and the error code.</summary>
    public delegate Task<(string? Action, int Status, string? Code)> Serve(HttpContext http, Dictionary<string, string> values);

    public static async Task HandleAsync(HttpContext http, string clientId, string channel, Serve serve, Func<Dictionary<string, string>, string> describe)
    {
        var taps = http.RequestServices.GetRequiredService<ClientTaps>();
        if (!taps.TryGet(clientId, out var tap))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsync($"No client {clientId} is registered here (POST /_harness/clients).");
            return;
        }

        // The whole call, its record and its held reply included, is in one world: a reset waits for it.
        var gate = http.RequestServices.GetRequiredService<WorldGate>();
        await gate.EnterAsync(http.RequestAborted);
        try
        {
            var at = taps.Time.GetUtcNow();
            var started = taps.Time.GetTimestamp();
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var held = new HeldReplyStream(http.Response.Body);
            http.Response.Body = held;
            (string? Action, int Status, string? Code) served;
            try
            {
                served = await serve(http, values);
            }
            finally
            {
                http.Response.Body = held.Inner;
            }

            if (taps.BeforeRecord is { } hook)
            {
                await hook();
            }

            tap.Record(new TapRecord(
                at, channel, http.Request.Method, served.Action ?? "", served.Status, served.Code, describe(values),
                taps.Time.GetElapsedTime(started).TotalMilliseconds, Fault: FaultNotes.Of(http.Items)));
            await held.ReleaseAsync(http.RequestAborted);
        }
        finally
        {
            gate.Leave();
        }
    }
}
