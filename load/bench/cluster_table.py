"""The cluster benchmark's table: for each workload and concurrency, the median round's rate and the p99 of the
one-process cluster and of the three-process one, and the share of the one's rate the three keep.
Usage: python3 load/bench/cluster_table.py one.json three.json"""
import json
import sys


def cells(path):
    with open(path, encoding="utf-8") as f:
        return {(w["workload"], w["concurrency"]): w["stats"] for w in json.load(f)["workloads"]}


def main():
    one, three = cells(sys.argv[1]), cells(sys.argv[2])
    print("| workload | concurrency | one process (req/s) | three processes (req/s) | three keep | p99 one | p99 three |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key in one:
        a, b = one[key], three.get(key)
        if b is None:
            continue
        share = b["requestsPerSecond"] / a["requestsPerSecond"] if a["requestsPerSecond"] else 0
        print(f"| {key[0]} | {key[1]} | {a['requestsPerSecond']:,.0f} | {b['requestsPerSecond']:,.0f} | {share:.0%} "
              f"| {a['p99Ms']:.2f} ms | {b['p99Ms']:.2f} ms |")


if __name__ == "__main__":
    main()
