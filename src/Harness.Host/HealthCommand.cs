using System.CommandLine;
using System.Net.Http.Headers;

namespace Harness.Host;

/// <summary>
/// <c>health [--target http://127.0.0.1:4580] [--control-token TOKEN]</c>: exits 0 when a running harness answers its
/// health check (container probes), 1 when it does not, 2 for bad arguments. <c>--target</c> and <c>--control-token</c>
/// as in <c>run</c> and <c>harness-load</c>; the health check itself is open, so the token is only passed along.
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var target = CommandOptions.Url("--target", "Base URL of the harness (default http://127.0.0.1:4580)", new Uri("http://127.0.0.1:4580"));
        var controlToken = CommandOptions.ControlToken();
        var command = new Command("health", "Check that a running harness is ready") { target, controlToken };
        command.SetAction(async (parse, cancellation) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            if (parse.GetValue(controlToken) is { } token)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            try
            {
                var response = await http.GetAsync(new Uri(parse.GetValue(target)!, "/_harness/health"), cancellation);
                Console.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (HttpRequestException error)
            {
                Console.Error.WriteLine($"harness is not answering: {error.Message}");
                return 1;
            }
            catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // Connected, and then nothing: a harness that is stuck, or something else on the port.
                Console.Error.WriteLine($"harness is not answering: {parse.GetValue(target)} took the connection but did not answer within {http.Timeout.TotalSeconds:0} s");
                return 1;
            }
        });
        return command;
    }
}
