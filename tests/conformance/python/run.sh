#!/usr/bin/env bash
# boto3 conformance suite against the harness. Assumes `dotnet build src/Harness.Host -c Release`
# has already run (or HARNESS_EC2_URL points at a running server). Exits with unittest's code.
set -u
cd "$(dirname "$0")/../../.."
python3 -m unittest discover -s tests/conformance/python -p 'test_*.py' -v "$@"
exit $?
