# The harness in a container: the EC2 facade and control API on 4580, the metadata service on 4581, Alibaba Cloud's
# ECS and VPC APIs on 4582.
# Build: docker build -t harness .   Run: docker run --rm -p 127.0.0.1:4580:4580 -p 127.0.0.1:4581:4581 harness
# SDK_IMAGE and RUNTIME_IMAGE name the images the build starts from: Microsoft's by default. Where no registry can be
# reached, scripts/build-image.sh builds stand-ins from a debootstrapped Debian and this machine's .NET, and builds this
# file with them (--build-arg SDK_IMAGE=... --build-arg RUNTIME_IMAGE=...) as harness:local.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
# The project files alone first: the restore is a layer of its own, reused until a project file or a package version
# changes, so a change to the code does not download the packages again. These are Harness.Host and every project it
# references (tests/packaging checks that the list stays complete).
COPY Directory.Build.props Directory.Packages.props global.json ./
COPY src/Harness.Host/Harness.Host.csproj src/Harness.Host/
COPY src/Harness.Ec2/Harness.Ec2.csproj src/Harness.Ec2/
COPY src/Harness.Ecs/Harness.Ecs.csproj src/Harness.Ecs/
COPY src/Harness.Imds/Harness.Imds.csproj src/Harness.Imds/
COPY src/Harness.Scenarios/Harness.Scenarios.csproj src/Harness.Scenarios/
COPY src/Harness.ControlPlane/Harness.ControlPlane.csproj src/Harness.ControlPlane/
COPY src/Harness.Domain/Harness.Domain.csproj src/Harness.Domain/
COPY src/Harness.Runtime/Harness.Runtime.csproj src/Harness.Runtime/
COPY load/Harness.Load.Engine/Harness.Load.Engine.csproj load/Harness.Load.Engine/
RUN dotnet restore src/Harness.Host/Harness.Host.csproj
COPY .editorconfig ./
COPY src/ src/
COPY load/Harness.Load.Engine/ load/Harness.Load.Engine/
RUN dotnet publish src/Harness.Host/Harness.Host.csproj -c Release -o /app --no-restore

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app ./
EXPOSE 4580 4581 4582
# Inside a container the harness must listen beyond loopback for the published port to reach it. Metadata reached
# through a published port names its instance with the X-Harness-Instance-Id header; inside the container each
# instance also has its own 127.a.b.c. HARNESS_PROPAGATION sets the delay model, e.g. fixed(1500ms).
# Listening beyond loopback, the control API (/_harness/) requires a bearer token: set HARNESS_CONTROL_TOKEN, or read
# the one serve generates from its banner (docker logs); /_harness/health stays open for health checks. Set
# HARNESS_PUBLIC_URL (e.g. http://harness:4580) for the control API to answer that host name too.
# The runtime image's ASPNETCORE_HTTP_PORTS=8080 is cleared: the harness binds its own ports, and Kestrel would warn at
# every start that it overrides it.
ENV HARNESS_LISTEN_ANY=1 ASPNETCORE_HTTP_PORTS=
ENTRYPOINT ["dotnet", "harness.dll", "serve", "--ec2-port", "4580", "--imds-port", "4581", "--ecs-port", "4582"]
