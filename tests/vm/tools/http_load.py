#!/usr/bin/env python3
"""http_load.py URL REQUESTS CONNECTIONS MAX_SECONDS: a count-bounded load
run. CONNECTIONS threads send GET URL until REQUESTS answers were received
in all (the daemon closes every connection, so each request opens its own),
or MAX_SECONDS passed. Prints `answered=N failed=N non200=N seconds=S`;
exits 1 unless every request was answered with 200 in time."""
import http.client
import sys
import threading
import time
import urllib.parse


def main():
    url, total, conns, cap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    parts = urllib.parse.urlsplit(url)
    lock = threading.Lock()
    counts = {"sent": 0, "answered": 0, "failed": 0, "non200": 0}
    deadline = time.monotonic() + cap

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if counts["sent"] >= total:
                    return
                counts["sent"] += 1
            try:
                c = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                c.request("GET", parts.path)
                r = c.getresponse()
                r.read()
                c.close()
                key = "answered" if r.status == 200 else "non200"
            except OSError:
                key = "failed"
            with lock:
                counts[key] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    print(f"answered={counts['answered']} failed={counts['failed']} "
          f"non200={counts['non200']} seconds={took:.1f}")
    sys.exit(0 if counts["answered"] == total else 1)


main()
