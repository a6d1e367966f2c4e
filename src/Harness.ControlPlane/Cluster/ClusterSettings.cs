using System.Globalization;
using StackExchange.Redis;

namespace Harness.ControlPlane.Cluster;

/// <summary>
/// How a <c>serve</c> process joins a cluster (<c>--cluster redis://HOST:PORT[/DB] --cluster-id NAME --silo-port N
/// --gateway-port N</c>): membership in Redis through Orleans' Redis clustering provider, one silo per process; with
/// <c>--state redis://…</c>, grain state in Redis through Orleans' Redis persistence provider (<see cref="State"/>).
/// </summary>
public sealed record ClusterSettings(RedisUrl Redis, string ClusterId, int SiloPort, int GatewayPort, RedisUrl? State = null)
{
    public const string DefaultClusterId = "harness";

    public const int DefaultSiloPort = 11111;

    public const int DefaultGatewayPort = 30000;

    /// <summary>Orleans' service id: the same for every harness, so that the cluster id alone tells clusters apart.</summary>
    public const string ServiceId = "harness";

    /// <summary>Whether <paramref name="name"/> can be a cluster id: it becomes part of Redis keys, so letters, digits, '-', '_' and '.' only.</summary>
    public static bool IsValidClusterId(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

/// <summary>A Redis server as a URL: <c>redis://[:PASSWORD@]HOST[:PORT][/DB]</c> (or <c>rediss://</c> for TLS).</summary>
public sealed record RedisUrl(string Host, int Port, int Database, string? Password, bool Tls)
{
    public const int DefaultPort = 6379;

    /// <summary>The URL without its password, for banners and logs.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Tls ? "rediss" : "redis")}://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}/{Database}");

    /// <summary>StackExchange.Redis's options for this server: fail fast when it cannot be reached at start.</summary>
    public ConfigurationOptions ToConfiguration()
    {
        var configuration = new ConfigurationOptions
        {
            DefaultDatabase = Database,
            Password = Password,
            Ssl = Tls,
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
            ConnectRetry = 2,
        };
        configuration.EndPoints.Add(Host, Port);
        return configuration;
    }

    /// <summary>Null when the server answers PING; otherwise one line on why not (refused, timed out, wrong password).</summary>
    public async Task<string?> ProbeAsync()
    {
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(ToConfiguration());
            await connection.GetDatabase().PingAsync();
            return null;
        }
        catch (RedisConnectionException error)
        {
            var why = error.FailureType switch
            {
                ConnectionFailureType.AuthenticationFailure => "it refused the password",
                ConnectionFailureType.UnableToConnect or ConnectionFailureType.SocketFailure => "nothing answered there",
                _ => error.FailureType.ToString(),
            };
            return $"cannot reach the cluster's Redis at {this}: {why}";
        }
        catch (Exception error) when (error is RedisException or TimeoutException)
        {
            return $"cannot reach the cluster's Redis at {this}: {error.Message.Split('\n')[0]}";
        }
    }

    public static bool TryParse(string? text, out RedisUrl url, out string error)
    {
        url = null!;
        error = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss"))
        {
            error = $"'{text}' is not a Redis URL: expected redis://HOST:PORT[/DB], e.g. redis://127.0.0.1:6379";
            return false;
        }

        if (uri.Host.Length == 0)
        {
            error = $"'{text}' names no host: expected redis://HOST:PORT[/DB]";
            return false;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = $"'{text}' has a query or fragment, which the harness does not read: expected redis://HOST:PORT[/DB]";
            return false;
        }

        var database = 0;
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0 && (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out database) || database > 15))
        {
            error = $"'{text}': the database after the port is a number from 0 to 15 (Redis's default count), not '{path}'";
            return false;
        }

        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            // redis://:secret@host or redis://user:secret@host; Redis 6 users are not supported, the password is what counts.
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            password = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[(colon + 1)..]);
        }

        url = new RedisUrl(uri.Host.Trim('[', ']'), uri.IsDefaultPort ? DefaultPort : uri.Port, database, password, uri.Scheme == "rediss");
        return true;
    }
}
