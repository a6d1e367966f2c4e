using System.CommandLine;

namespace Harness.Host;

/// <summary><c>health [--url http://127.0.0.1:4580]</c>: exits 0 when a running harness answers its health check (container probes).</summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var url = new Option<Uri>("--url") { Description = "Base URL of the harness", DefaultValueFactory = _ => new Uri("http://127.0.0.1:4580") };
        var command = new Command("health", "Check that a running harness is ready") { url };
        command.SetAction(async (parse, cancellation) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                var response = await http.GetAsync(new Uri(parse.GetValue(url)!, "/_harness/health"), cancellation);
                Console.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (HttpRequestException error)
            {
                Console.Error.WriteLine($"harness is not answering: {error.Message}");
                return 1;
            }
        });
        return command;
    }
}
