using Harness.ControlPlane.Cluster;

namespace Harness.ControlPlane.Tests.Cluster;

/// <summary><c>serve --cluster</c>'s URL: what a user may write, and what StackExchange.Redis is told.</summary>
public sealed class RedisUrlTests
{
    [Theory]
    [InlineData("redis://127.0.0.1:6379", "127.0.0.1", 6379, 0, null, false)]
    [InlineData("redis://127.0.0.1", "127.0.0.1", 6379, 0, null, false)]
    [InlineData("redis://cache.internal:6380/3", "cache.internal", 6380, 3, null, false)]
    [InlineData("redis://:s%40cret@127.0.0.1:6379/1", "127.0.0.1", 6379, 1, "s@cret", false)]
    [InlineData("redis://default:pw@127.0.0.1:6379", "127.0.0.1", 6379, 0, "pw", false)]
    [InlineData("rediss://[::1]:6390/", "::1", 6390, 0, null, true)]
    public void TryParse_ReadsHostPortDatabasePasswordAndTls(string text, string host, int port, int database, string? password, bool tls)
    {
        Assert.True(RedisUrl.TryParse(text, out var url, out var error), error);

        Assert.Equal(new RedisUrl(host, port, database, password, tls), url);
        var configuration = url.ToConfiguration();
        Assert.Equal(database, configuration.DefaultDatabase);
        Assert.Equal(password, configuration.Password);
        Assert.Equal(tls, configuration.Ssl);
        Assert.Single(configuration.EndPoints);
    }

    [Fact]
    public void ToString_NeverShowsThePassword()
    {
        Assert.True(RedisUrl.TryParse("redis://:hunter2@127.0.0.1:6379/2", out var url, out _));

        Assert.Equal("redis://127.0.0.1:6379/2", url.ToString());
        Assert.DoesNotContain("hunter2", url.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:6379")]
    [InlineData("tcp://127.0.0.1:6379")]
    [InlineData("redis://127.0.0.1:6379/x")]
    [InlineData("redis://127.0.0.1:6379/16")]
    [InlineData("redis://127.0.0.1:6379/0?timeout=5")]
    public void TryParse_RefusesWhatIsNotARedisUrl_WithAReason(string text)
    {
        Assert.False(RedisUrl.TryParse(text, out _, out var error));
        Assert.Contains(text.Length == 0 ? "is not a Redis URL" : text, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("harness", true)]
    [InlineData("team-a.load_test.2", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("a/b", false)]
    [InlineData("{harness}", false)]
    public void ClusterIds_AreWhatFitsInARedisKey(string name, bool valid) => Assert.Equal(valid, ClusterSettings.IsValidClusterId(name));
}
