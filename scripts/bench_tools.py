#!/usr/bin/env python3
"""Helpers of scripts/bench (issue 13): floors measured on this machine, and the parts of the
kenpo measurements that a shell does badly. Standard library only, except argon2-floor
(argon2-cffi: `pip install argon2-cffi`).

  bench_tools.py argon2-floor SECONDS PROCESSES
      raw argon2id (the C reference implementation through argon2-cffi; m=19456 KiB, t=2,
      p=1, 32-byte hash, 16-byte salt, as kenpo) in PROCESSES processes: prints hashes/s.
  bench_tools.py csv-floor FILE
      parses FILE with Python's csv.reader (UTF-8): prints "seconds rows".
  bench_tools.py serve-timed LOG KENPO ARGS...
      starts KENPO ARGS (`--listen 127.0.0.1:PORT` among them), its stderr to LOG, and polls
      /healthz every 2 ms: prints "pid seconds_to_first_200" and leaves it running.
  bench_tools.py settle PID [LIMIT_SECONDS]
      waits until PID uses under 20 ms of CPU in a second (or LIMIT_SECONDS, 60, pass):
      prints "rss_mib cpu_seconds_used_meanwhile seconds_waited".
  bench_tools.py rss PID
      prints VmRSS in MiB.
  bench_tools.py cookie URL POSTCARDS
      logs in the member of the first postcard (registered by faults-load.py storm) and
      prints the Cookie header of that session.
  bench_tools.py csrf URL
      prints "cookie_header token": a pre-login CSRF cookie and its form token.
  bench_tools.py logins URL POSTCARDS N
      N logins at once (threads behind a barrier), members of POSTCARDS in turn: prints
      "ok N_OK failed N_FAILED seconds S".
"""

import importlib.util
import os
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def load_client():
    spec = importlib.util.spec_from_file_location("faults_load", os.path.join(HERE, "faults-load.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _hash_until(deadline, out):
    from argon2.low_level import Type, hash_secret_raw

    n = 0
    salt = os.urandom(16)
    while time.monotonic() < deadline:
        hash_secret_raw(b"benchmark-password-%d" % n, salt, time_cost=2, memory_cost=19456,
                        parallelism=1, hash_len=32, type=Type.ID)
        n += 1
    out.put((n, time.monotonic()))


def argon2_floor(seconds, processes):
    import multiprocessing as mp

    try:
        import argon2.low_level  # noqa: F401
    except ImportError:
        print("argon2-floor needs argon2-cffi: pip install argon2-cffi", file=sys.stderr)
        return 2
    out = mp.Queue()
    start = time.monotonic()
    deadline = start + seconds
    procs = [mp.Process(target=_hash_until, args=(deadline, out)) for _ in range(processes)]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    hashes = sum(n for n, _ in results)
    elapsed = max(t for _, t in results) - start
    print("%.2f" % (hashes / elapsed))
    return 0


def csv_floor(path):
    import csv

    t0 = time.monotonic()
    rows = 0
    with open(path, encoding="utf-8", newline="") as f:
        for _ in csv.reader(f):
            rows += 1
    print("%.3f %d" % (time.monotonic() - t0, rows))
    return 0


def healthz_ok(url):
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


def serve_timed(log, argv):
    listen = argv[argv.index("--listen") + 1]
    url = "http://" + listen
    t0 = time.monotonic()
    with open(log, "ab") as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    while time.monotonic() - t0 < 300:
        if healthz_ok(url):
            print("%d %.3f" % (proc.pid, time.monotonic() - t0))
            return 0
        if proc.poll() is not None:
            print("kenpo serve exited with %s" % proc.returncode, file=sys.stderr)
            return 1
        time.sleep(0.002)
    proc.terminate()
    return 1


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def settle(pid, limit):
    t0 = time.monotonic()
    c0 = cpu_seconds(pid)
    last = c0
    while time.monotonic() - t0 < limit:
        time.sleep(1)
        c = cpu_seconds(pid)
        if c - last < 0.02:
            break
        last = c
    print("%.1f %.2f %.1f" % (rss_mib(pid), last - c0, time.monotonic() - t0))
    return 0


def cookie(url, postcards):
    load = load_client()
    card = load.read_postcards(postcards)[0]
    member = load.Member(url)
    member.login(load.user_name(card))
    status, _, _ = member.request("/menu")
    if status != 200:
        print("the member of %s cannot see /menu: %s" % (card[:2], status), file=sys.stderr)
        return 1
    for handler in member.opener.handlers:
        if hasattr(handler, "cookiejar"):
            print("; ".join("%s=%s" % (c.name, c.value) for c in handler.cookiejar))
    return 0


def csrf(url):
    load = load_client()
    member = load.Member(url)
    token = member.csrf("/")
    for handler in member.opener.handlers:
        if hasattr(handler, "cookiejar"):
            jar = "; ".join("%s=%s" % (c.name, c.value) for c in handler.cookiejar)
            print(jar, token)
    return 0


def logins(url, postcards, n):
    load = load_client()
    users = [load.user_name(c) for c in load.read_postcards(postcards)]
    barrier = threading.Barrier(n)
    results = []

    def one(i):
        member = load.Member(url)
        barrier.wait()
        try:
            member.login(users[i % len(users)])
            results.append(True)
        except Exception as e:  # counted, and the first one told
            if not any(r is not True for r in results):
                print("login failed: %s" % e, file=sys.stderr)
            results.append(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = sum(1 for r in results if r is True)
    print("ok %d failed %d seconds %.1f" % (ok, n - ok, time.monotonic() - t0))
    return 0 if ok == n else 1


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "argon2-floor" and len(argv) == 4:
        return argon2_floor(float(argv[2]), int(argv[3]))
    if cmd == "csv-floor" and len(argv) == 3:
        return csv_floor(argv[2])
    if cmd == "serve-timed" and len(argv) > 3:
        return serve_timed(argv[2], argv[3:])
    if cmd == "settle" and len(argv) in (3, 4):
        return settle(int(argv[2]), float(argv[3]) if len(argv) == 4 else 60.0)
    if cmd == "rss" and len(argv) == 3:
        print("%.1f" % rss_mib(int(argv[2])))
        return 0
    if cmd == "cookie" and len(argv) == 4:
        return cookie(argv[2], argv[3])
    if cmd == "csrf" and len(argv) == 3:
        return csrf(argv[2])
    if cmd == "logins" and len(argv) == 5:
        return logins(argv[2], argv[3], int(argv[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
