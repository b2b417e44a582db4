"""Probe a host's health endpoint; parameters arrive as JSON on stdin, the result goes to stdout."""
import json
import sys
import time
import urllib.error
import urllib.request


def main() -> int:
    params = json.load(sys.stdin)
    host = params["host"]
    url = f"http://{host}:{params.get('port', 8080)}{params.get('path', '/healthz')}"
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            healthy = 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        healthy = False
    latency_ms = int((time.monotonic() - started) * 1000)
    json.dump({"host": host, "healthy": healthy, "latency_ms": latency_ms}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
