using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Harness.Imds;

/// <summary>Replies as IMDS writes them: text/plain with a length, <c>Connection: close</c>, and errors as its small XHTML pages.</summary>
internal static class ImdsResponses
{
    public static Task Text(HttpContext http, string body) => Write(http, StatusCodes.Status200OK, "text/plain", body);

    /// <summary>A harness-specific answer (not one IMDS gives), in plain words.</summary>
    public static Task Plain(HttpContext http, int status, string message) => Write(http, status, "text/plain; charset=utf-8", message);

    public static Task Error(HttpContext http, int status)
    {
        var title = $"{status} - {ReasonPhrases.GetReasonPhrase(status)}";
        return Write(http, status, "text/html", $"""
            <?xml version="1.0" encoding="iso-8859-1"?>
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
            	"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
             <head>
              <title>{title}</title>
             </head>
             <body>
              <h1>{title}</h1>
             </body>
            </html>

            """);
    }

    private static Task Write(HttpContext http, int status, string contentType, string body)
    {
        var response = http.Response;
        response.StatusCode = status;

        // Real IMDS closes every connection after its reply; clients that count on keep-alive must not pass here.
        response.Headers.Connection = "close";
        response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(bytes).AsTask();
    }
}
