namespace Harness.Testing;

/// <summary>An EC2 Query request the way SDKs send it: a form POST to <c>/</c>, SigV4-scoped to a region.</summary>
public static class Ec2QueryRequest
{
    /// <summary>The harness reads the region from the credential scope and does not verify the signature.</summary>
    public static HttpRequestMessage Create(string action, IDictionary<string, string>? parameters = null, string region = "us-east-1")
    {
        var form = new Dictionary<string, string> { ["Action"] = action, ["Version"] = "2016-11-15" };
        foreach (var (key, value) in parameters ?? new Dictionary<string, string>())
        {
            form[key] = value;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation(
            "Authorization", $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/{region}/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00");
        return request;
    }
}
