using System.Collections.Concurrent;
using System.Net;
using Amazon.Runtime;

namespace Harness.Conformance.Tests;

/// <summary>Gives the SDK an HttpClient that counts what came back, so a test sees each attempt its retry handler made.</summary>
internal sealed class CountingHttpClientFactory : HttpClientFactory
{
    private readonly ConcurrentQueue<HttpStatusCode> statuses = new();

    /// <summary>The status of every reply, in order.</summary>
    public IReadOnlyList<HttpStatusCode> Statuses => [.. statuses];

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Counting(statuses));

    private sealed class Counting(ConcurrentQueue<HttpStatusCode> statuses) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            statuses.Enqueue(response.StatusCode);
            return response;
        }
    }
}
