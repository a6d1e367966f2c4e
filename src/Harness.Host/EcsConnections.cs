using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Harness.Host;

/// <summary>Tells the ECS port's connections from the EC2 port's: both are one application, the ECS port serves only its API.</summary>
internal static class EcsConnections
{
    private static readonly object Marker = new();

    public static ConnectionDelegate Mark(ConnectionDelegate next) => connection =>
    {
        connection.Items[Marker] = Marker;
        return next(connection);
    };

    public static bool IsEcs(HttpContext http) =>
        http.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Marker) == true;
}
