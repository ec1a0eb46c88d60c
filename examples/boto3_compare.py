#!/usr/bin/env python3
"""The original idea's experiment, in Python, for comparison with examples/s3.rs.

boto3async's approach: a blocking boto3 client made async with
`asyncio.to_thread` on asyncio's default thread pool, 20 `list_buckets` calls
one after another, then at once with `asyncio.gather`.

    pip install 'boto3==1.43.11'
    .ci/servers start s3                                               # moto on 127.0.0.1:5000
    cargo run -p examples --example s3 --features s3 -- --proxy-only 5100 &          # 100 ms per request
    python3 examples/boto3_compare.py http://127.0.0.1:5000 http://127.0.0.1:5100

Each endpoint on the command line gets one line of results.
"""

import argparse
import asyncio
import os
import time

import boto3


def client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="asyncify",  # any key works with moto
        aws_secret_access_key="asyncify",
    )


async def experiment(endpoint, calls):
    s3 = client(endpoint)
    await asyncio.to_thread(s3.list_buckets)  # warm-up: pool threads, connections

    start = time.perf_counter()
    for _ in range(calls):
        await asyncio.to_thread(s3.list_buckets)
    serial = time.perf_counter() - start

    start = time.perf_counter()
    await asyncio.gather(*(asyncio.to_thread(s3.list_buckets) for _ in range(calls)))
    concurrent = time.perf_counter() - start
    return serial, concurrent


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoints", nargs="+", help="S3 endpoints, e.g. http://127.0.0.1:5000")
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()

    # asyncio's default executor: min(32, os.cpu_count() + 4) threads.
    workers = min(32, (os.cpu_count() or 1) + 4)
    print(f"boto3 {boto3.__version__}, asyncio.to_thread on the default pool ({workers} threads)")
    print(f"{args.calls} list_buckets calls".ljust(32) + "one after another".rjust(18)
          + "concurrently".rjust(15) + "speed-up".rjust(11))
    for endpoint in args.endpoints:
        serial, concurrent = await experiment(endpoint, args.calls)
        print(endpoint.ljust(32) + f"{serial * 1e3:.0f} ms".rjust(18)
              + f"{concurrent * 1e3:.0f} ms".rjust(15) + f"{serial / concurrent:.1f}x".rjust(11))


if __name__ == "__main__":
    asyncio.run(main())
