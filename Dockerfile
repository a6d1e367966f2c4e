# The harness in a container: the EC2 facade and control API on 4580, the metadata service on 4581.
# Build: docker build -t harness .   Run: docker run --rm -p 4580:4580 harness
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Harness.Host/Harness.Host.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
EXPOSE 4580 4581
# Inside a container the harness must listen beyond loopback for the published port to reach it. Metadata reached
# through a published port names its instance with the X-Harness-Instance-Id header; inside the container each
# instance also has its own 127.a.b.c. HARNESS_PROPAGATION sets the delay model, e.g. fixed(1500ms).
# Listening beyond loopback, the control API (/_harness/) requires a bearer token: set HARNESS_CONTROL_TOKEN, or read
# the one serve generates from its banner (docker logs); /_harness/health stays open for health checks. Set
# HARNESS_PUBLIC_URL (e.g. http://harness:4580) for the control API to answer that host name too.
ENV HARNESS_LISTEN_ANY=1
ENTRYPOINT ["dotnet", "harness.dll", "serve", "--ec2-port", "4580", "--imds-port", "4581"]
