#!/usr/bin/env bash
# Seeded, bounded fuzzing of every listener of a harness started in-process on loopback (EC2 Query API, Alibaba ECS/VPC
# API, an instance's metadata service, the control API): the generators of tests/Harness.Ec2.Tests' ProtocolFuzzTests
# and EcsFuzzTests, a million times by default. Prints counts by listener and status, the 5xx and dropped-connection
# totals, and exits non-zero if there is any, or an Alibaba reply without its Code or RequestId.
#   load/bench/fuzz.sh [REQUESTS=1000000] [SEED=1313] [CONCURRENCY=8]
set -euo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac
cd "$(dirname "$0")/../.."
requests=${1:-1000000}
seed=${2:-1313}
concurrency=${3:-8}
dotnet build load/Harness.Fuzz -c Release -nologo -v quiet >/dev/null
exec dotnet load/Harness.Fuzz/bin/Release/net10.0/harness-fuzz.dll "$requests" "$seed" "$concurrency"
