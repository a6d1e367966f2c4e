#!/usr/bin/env bash
# Builds the harness image, harness:local, from the repository's Dockerfile (and the failover agent beside it in
# docker-compose.yml, harness-failover-agent:local, from examples/FailoverAgent/Dockerfile) on a machine that can reach no container
# registry (Debian's mirror and NuGet are enough). Starts the Docker engine when none answers (scripts/docker-engine.sh;
# it is left running, `bash scripts/docker-engine.sh stop` stops it), then builds from three local images made here
# once and reused while they exist:
#   harness-local/debian:bookworm     debootstrap --variant=minbase from the host's Debian mirror, with what .NET needs
#                                     (ca-certificates, libssl3, zlib1g, libstdc++6, libgcc-s1, tzdata), docs trimmed
#   harness-local/dotnet-sdk:VERSION  that plus this machine's .NET SDK (`dotnet --version`) and its CA bundle, the
#                                     Dockerfile's SDK_IMAGE: restore reaches NuGet as the host does (--network host)
#   harness-local/aspnet:VERSION      that plus only the runtime parts of this machine's .NET (the host, hostfxr,
#                                     Microsoft.NETCore.App, Microsoft.AspNetCore.App), the Dockerfile's RUNTIME_IMAGE
# With a registry at hand none of this is needed: `docker build -t harness .` uses Microsoft's images.
# Runs as root where the base image must be made (debootstrap) or debootstrap installed. Ends with the image's size.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=harness:local
BUILD_STAGE=harness-local/build:harness
AGENT_IMAGE=harness-failover-agent:local
AGENT_BUILD_STAGE=harness-local/build:failover-agent
SUITE=bookworm
BASE_IMAGE=harness-local/debian:$SUITE
BASE_PACKAGES=ca-certificates,libssl3,zlib1g,libstdc++6,libgcc-s1,tzdata

say() { echo "build-image: [${SECONDS}s] $*" >&2; }
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# The first http(s) mirror the host's apt sources use for $SUITE itself (not -security or -updates): one-line
# sources.list entries, then deb822 .sources stanzas (not those with Enabled: no); Debian's redirector when none does.
debian_mirror() {
  local file lists=() stanzas=() mirror=
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [ -f "$file" ] && lists+=("$file"); done
  for file in /etc/apt/sources.list.d/*.sources; do [ -f "$file" ] && stanzas+=("$file"); done
  if [ "${#lists[@]}" -gt 0 ]; then
    mirror=$(awk -v suite="$SUITE" '$1 == "deb" {
      for (i = 2; i < NF; i++) if ($i ~ /^https?:/ && $(i + 1) == suite) { print $i; exit } }' "${lists[@]}")
  fi
  if [ -z "$mirror" ] && [ "${#stanzas[@]}" -gt 0 ]; then
    mirror=$(awk -v suite="$SUITE" '
      function stanza_end() { if (uri != "" && hit && !off) { print uri; found = 1; exit } uri = ""; hit = 0; off = 0 }
      FNR == 1 { stanza_end() }
      /^[ \t]*$/ { stanza_end(); next }
      /^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { uri = $i; break } }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) hit = 1 }
      /^Enabled:[ \t]*no/ { off = 1 }
      END { if (!found) stanza_end() }' "${stanzas[@]}")
  fi
  echo "${mirror:-http://deb.debian.org/debian}"
}

build_base_image() (
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 debootstrap >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 debootstrap >/dev/null; }
  fi
  mirror=$(debian_mirror)
  rootfs=$(mktemp -d /var/tmp/harness-rootfs.XXXXXX)
  # debootstrap mounts /proc and /sys inside; a failure can leave them there, and rm -rf must never walk into them.
  trap 'awk -v r="$rootfs/" "index(\$2, r) == 1 { print \$2 }" /proc/mounts | sort -r | xargs -r umount -l
        rm -rf --one-file-system "$rootfs"' EXIT
  say "debootstrap $SUITE from $mirror (log: $rootfs.log)"
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { tail -n 20 "$rootfs.log" >&2; exit 1; }

  # Small: no downloaded packages or lists, no docs but the copyright files, no man pages or translations; and
  # dpkg and apt told to keep it so for whatever is installed on top.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$rootfs/var/log" -type f -delete
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/harness-slim" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
EOF
  echo 'APT::Install-Recommends "false";' >"$rootfs/etc/apt/apt.conf.d/harness-slim"
  # The engine provides these to every container; the host's own must not be baked in.
  : >"$rootfs/etc/resolv.conf"
  : >"$rootfs/etc/hostname"

  tar --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -C "$rootfs" -c . \
    | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["bash"]' \
        --message "debootstrap --variant=minbase $SUITE $mirror, with $BASE_PACKAGES" \
        - "$BASE_IMAGE" >/dev/null
  rm -f "$rootfs.log"
)

# build_dotnet_image TAG DOCKERFILE DEBS PART...: the base image with PARTs of this machine's .NET (paths under its
# root) at /usr/share/dotnet. The context holds hard links where it can, so nothing is copied on disk; also the host's
# CA bundle as ca-certificates.crt and the .deb files of the folder DEBS (if any) in debs/.
build_dotnet_image() (
  tag=$1 dockerfile=$2 debs=$3; shift 3
  context=$(mktemp -d /var/tmp/harness-dotnet.XXXXXX)
  trap 'rm -rf "$context"' EXIT
  mkdir -p "$context/dotnet" "$context/debs"
  for part in "$@"; do
    mkdir -p "$context/dotnet/$(dirname "$part")"
    cp -al "$DOTNET_ROOT/$part" "$context/dotnet/$part" 2>/dev/null || cp -a "$DOTNET_ROOT/$part" "$context/dotnet/$part"
  done
  [ -z "$debs" ] || find "$debs" -maxdepth 1 -name '*.deb' -exec cp -t "$context/debs/" {} +
  cp -L "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$context/ca-certificates.crt"
  printf '%s\n' "$dockerfile" >"$context/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$context" >/dev/null 2>"$context/.err" || { cat "$context/.err" >&2; exit 1; }
)

. scripts/docker-engine.sh
docker_engine_ensure
[ "$DOCKER_ENGINE_STARTED" = 1 ] && say "the engine was started here and is left running: bash scripts/docker-engine.sh stop"

if image_exists "$BASE_IMAGE"; then say "$BASE_IMAGE: reused"; else
  say "$BASE_IMAGE: building"
  build_base_image
fi

DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")")
SDK_VERSION=$(dotnet --version)
ASPNET_VERSION=$(ls "$DOTNET_ROOT/shared/Microsoft.AspNetCore.App" | sort -V | tail -n 1)
NETCORE_VERSION=$(ls "$DOTNET_ROOT/shared/Microsoft.NETCore.App" | sort -V | tail -n 1)
SDK_IMAGE=harness-local/dotnet-sdk:$SDK_VERSION
RUNTIME_IMAGE=harness-local/aspnet:$ASPNET_VERSION

if image_exists "$SDK_IMAGE"; then say "$SDK_IMAGE: reused"; else
  say "$SDK_IMAGE: building from $DOTNET_ROOT"
  # The SDK itself needs ICU (unlike the harness, which runs with InvariantGlobalization, so the base has none): the
  # host's apt fetches bookworm's libicu72 for this image alone. Without it the SDK would have to run in invariant
  # mode, where it no longer knows packages' resource cultures (warning NETSDK1188).
  icu=$(mktemp -d /var/tmp/harness-icu.XXXXXX)
  trap 'rm -rf "$icu"' EXIT
  if (cd "$icu" && apt-get download -qq libicu72) >/dev/null 2>&1; then
    globalization='RUN dpkg -i /tmp/debs/*.deb >/dev/null && rm -rf /tmp/debs'
  else
    say "apt-get download libicu72 failed: the SDK image runs in invariant globalization mode"
    globalization='ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1'
  fi
  # The host's CA bundle: what the host trusts to reach NuGet (an intercepting proxy's CA included) the build
  # trusts too. Only this build stage has it; the runtime image keeps Debian's.
  build_dotnet_image "$SDK_IMAGE" "FROM $BASE_IMAGE
COPY dotnet/ /usr/share/dotnet/
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY debs/ /tmp/debs/
$globalization
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_RUNNING_IN_CONTAINER=true DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \\
    DOTNET_GENERATE_ASPNET_CERTIFICATE=false NUGET_XMLDOC_MODE=skip ${NUGET_CERT_REVOCATION_MODE:+NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE}" \
    "$icu" .
fi

if image_exists "$RUNTIME_IMAGE"; then say "$RUNTIME_IMAGE: reused"; else
  say "$RUNTIME_IMAGE: building from $DOTNET_ROOT"
  # As Microsoft's aspnet image: dotnet on the PATH, the app user (uid 1654), the same environment.
  build_dotnet_image "$RUNTIME_IMAGE" "FROM $BASE_IMAGE
COPY dotnet/ /usr/share/dotnet/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \\
 && groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --no-create-home --shell /bin/false app
ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true \\
    DOTNET_VERSION=$NETCORE_VERSION ASPNET_VERSION=$ASPNET_VERSION" "" \
    dotnet host/fxr "shared/Microsoft.NETCore.App/$NETCORE_VERSION" "shared/Microsoft.AspNetCore.App/$ASPNET_VERSION" \
    LICENSE.txt ThirdPartyNotices.txt
fi

# The legacy builder: it works whichever client talks to Debian's 20.10 engine (BuildKit would need the buildx plugin
# with a newer client, such as a static docker in /usr/local/bin), and the Dockerfile needs nothing more; its layer
# cache keeps the restore step until a project file changes. --network host: restore reaches NuGet as this machine does.
# The build stage is tagged too (harness-local/build:harness): an untagged one would be what `docker image prune`
# takes, and with it the restore layer. The images a rebuild replaces are removed, and nothing else.
previous=$(docker image inspect -f '{{.Id}}' "$IMAGE" "$BUILD_STAGE" 2>/dev/null || true)
build=(docker build --network host --force-rm --build-arg "SDK_IMAGE=$SDK_IMAGE" --build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE")
say "docker build --target build -t $BUILD_STAGE, then -t $IMAGE (SDK_IMAGE=$SDK_IMAGE, RUNTIME_IMAGE=$RUNTIME_IMAGE)"
DOCKER_BUILDKIT=0 "${build[@]}" --target build -t "$BUILD_STAGE" .
DOCKER_BUILDKIT=0 "${build[@]}" -t "$IMAGE" . | grep -v -e '^ ---> Using cache' -e '^ ---> [0-9a-f]*$'
current=$(docker image inspect -f '{{.Id}}' "$IMAGE" "$BUILD_STAGE")
for id in $previous; do
  grep -qx "$id" <<<"$current" || docker image rm "$id" >/dev/null 2>&1 || true
done

# The failover agent beside it in docker-compose.yml: examples/FailoverAgent/Dockerfile, from the image just built.
previous=$(docker image inspect -f '{{.Id}}' "$AGENT_IMAGE" "$AGENT_BUILD_STAGE" 2>/dev/null || true)
agent=(docker build --network host --force-rm -f examples/FailoverAgent/Dockerfile --build-arg "SDK_IMAGE=$SDK_IMAGE" --build-arg "HARNESS_IMAGE=$IMAGE")
say "docker build -f examples/FailoverAgent/Dockerfile -t $AGENT_IMAGE"
DOCKER_BUILDKIT=0 "${agent[@]}" --target build -t "$AGENT_BUILD_STAGE" . >/dev/null
DOCKER_BUILDKIT=0 "${agent[@]}" -t "$AGENT_IMAGE" . | grep -v -e '^ ---> Using cache' -e '^ ---> [0-9a-f]*$'
current=$(docker image inspect -f '{{.Id}}' "$AGENT_IMAGE" "$AGENT_BUILD_STAGE")
for id in $previous; do
  grep -qx "$id" <<<"$current" || docker image rm "$id" >/dev/null 2>&1 || true
done
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
echo "$IMAGE: $size bytes ($((size / 1000000)) MB)"
