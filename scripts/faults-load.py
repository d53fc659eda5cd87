#!/usr/bin/env python3
"""Load for scripts/faults (issue #11 items 1 and 8): members registering through the
wizard, logging in and viewing pages against a running `kenpo serve`, with the standard
library only.

  faults-load.py storm URL POSTCARDS DONE_FILE SECONDS [WORKERS]
      registers households from postcards.csv (skipping those already in DONE_FILE) and
      logs registered members in, until SECONDS pass or the server goes away. A
      registration is appended to DONE_FILE (fsync'd) only after its 完了 screen answered.
      Prints "answers N errors M registrations R logins L" at the end; an error is an
      answer of 5xx or an unexpected page, not a refused or broken connection.
      With --until-registered (after WORKERS), it ends once every postcard is registered.
  faults-load.py write-refused URL POSTCARDS DONE_FILE
      one registration that the server must refuse with its Japanese "cannot save" page
      (a disk that is full or read-only); exit 0 when it does.
  faults-load.py check URL DONE_FILE
      logs every member of DONE_FILE in; prints "checked N failed M".
  faults-load.py mixed URL POSTCARDS DONE_FILE SECONDS [WORKERS]
      like storm, plus page views (menu, expenses, notices) of logged-in members.
"""

import http.cookiejar
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

# No run of three digits: a password may not contain the household's 記号 or 番号, and the
# synthetic unions number households 1, 2, 3 … (sakura2026go was refused for 番号 202).
PASSWORD = "sakura26go-hana"
BIRTH = "19700101"
INSURER = "06131114"
CSRF = re.compile(r'name="csrf"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class ServerGone(Exception):
    pass


class Unexpected(Exception):
    pass


class Member:
    """One browser: a cookie jar, no redirects followed."""

    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.url + path, data=data, timeout=60) as resp:
                return resp.status, resp.headers.get("Location"), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            if e.code >= 500:
                text = re.sub(r"<[^>]+>", " ", body)
                raise Unexpected(f"{path}: {e.code} {' '.join(text.split())[:300]}")
            return e.code, e.headers.get("Location"), body
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
            raise ServerGone(str(e))

    def csrf(self, path):
        status, _, body = self.request(path)
        m = CSRF.search(body)
        if status != 200 or not m:
            raise Unexpected(f"{path}: {status} without a form")
        return m.group(1) or m.group(2)

    def post(self, page, path, fields, expect):
        fields = dict(fields, csrf=self.csrf(page))
        status, location, body = self.request(path, fields)
        if status != 303 or location != expect:
            raise Unexpected(f"{path}: {status} to {location}, wanted {expect}: {body[:300]}")

    def login(self, user, password=PASSWORD):
        self.post("/", "/", {"user_id": user, "password": password}, "/menu")

    def register(self, temp_id, temp_password, user):
        self.post("/", "/", {"user_id": temp_id, "password": temp_password}, "/register/identity")
        self.post("/register/identity", "/register/identity",
                  {"insurer_number": INSURER, "birth_date": BIRTH, "agree": "yes"}, "/register/profile")
        self.post("/register/profile", "/register/profile",
                  {"user_id": user, "password": PASSWORD, "password_confirm": PASSWORD,
                   "email": f"{user.lower()}@example.jp", "notify": "on"}, "/register/confirm")
        self.post("/register/confirm", "/register/execute", {}, "/register/done")
        status, _, body = self.request("/register/done")
        if status != 200 or "これで初期登録は終了です" not in body:
            raise Unexpected(f"/register/done: {status}")

    def browse(self):
        for path in ("/menu", "/menu/expenses?year=2024", "/menu/notices"):
            status, _, _ = self.request(path)
            if status not in (200, 303):
                raise Unexpected(f"{path}: {status}")


def user_name(card):
    """A user ID of 12 characters from a postcard's 記号 and 番号."""
    return f"u{card[0]}{int(card[1]):07d}"


def read_postcards(path):
    cards = []
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f):
            cols = line.rstrip("\n").split(",")
            if n == 0 or len(cols) < 7:
                continue
            cards.append((cols[0], cols[1], cols[5], cols[6]))
    return cards


def read_done(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.split()[0] for line in f if line.strip()]


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {"answers": 0, "errors": 0, "registrations": 0, "logins": 0, "not_saved": 0}
        self.first_error = None

    def add(self, name, n=1):
        with self.lock:
            self.values[name] += n

    def error(self, e):
        with self.lock:
            self.values["errors"] += 1
            if self.first_error is None:
                self.first_error = str(e)


def storm(url, postcards, done_path, seconds, workers, browse, until_registered=False):
    cards = read_postcards(postcards)
    done = set(read_done(done_path))
    todo = [c for c in cards if user_name(c) not in done]
    random.shuffle(todo)
    lock = threading.Lock()
    registered = list(done)
    counters = Counters()
    stop_at = time.monotonic() + seconds
    gone = threading.Event()
    done_file = open(done_path, "a", encoding="utf-8")

    def work(n):
        while time.monotonic() < stop_at and not gone.is_set():
            if until_registered:
                with lock:
                    if not todo:
                        return
            member = Member(url)
            try:
                with lock:
                    card = todo.pop() if todo and n % 2 == 0 else None
                    user = random.choice(registered) if registered else None
                if card:
                    name = user_name(card)
                    member.register(card[2], card[3], name)
                    with lock:
                        done_file.write(f"{name}\n")
                        done_file.flush()
                        os.fsync(done_file.fileno())
                        registered.append(name)
                    counters.add("registrations")
                elif user:
                    member.login(user)
                    counters.add("logins")
                    if browse:
                        member.browse()
                else:
                    time.sleep(0.05)
                    continue
                counters.add("answers")
            except ServerGone:
                gone.set()
            except Unexpected as e:
                if NOT_SAVED_IS_FINE and NOT_SAVED in str(e):
                    counters.add("not_saved")
                else:
                    counters.error(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done_file.close()
    v = counters.values
    print(f"answers {v['answers']} errors {v['errors']} registrations {v['registrations']} logins {v['logins']} not_saved {v['not_saved']}")
    if counters.first_error:
        print(f"first error: {counters.first_error}", file=sys.stderr)


NOT_SAVED = "保存できません"
NOT_SAVED_IS_FINE = False


def write_refused(url, postcards, done_path):
    done = set(read_done(done_path))
    card = next(c for c in read_postcards(postcards) if user_name(c) not in done)
    member = Member(url)
    try:
        member.register(card[2], card[3], user_name(card))
        print("the registration was saved")
        return 1
    except Unexpected as e:
        shown = NOT_SAVED in str(e)
        print(("refused with the message: " if shown else "refused without the message: ") + str(e)[:200])
        return 0 if shown else 1
    except ServerGone as e:
        print(f"no answer: {e}")
        return 1


def check(url, done_path):
    failed = 0
    users = read_done(done_path)
    for user in users:
        try:
            Member(url).login(user)
        except (Unexpected, ServerGone) as e:
            failed += 1
            print(f"{user} cannot log in: {e}", file=sys.stderr)
    print(f"checked {len(users)} failed {failed}")


def main(argv):
    if len(argv) >= 6 and argv[1] in ("storm", "mixed"):
        workers = int(argv[6]) if len(argv) > 6 else 8
        until = "--until-registered" in argv[7:]
        global NOT_SAVED_IS_FINE
        NOT_SAVED_IS_FINE = "--not-saved-is-fine" in argv[7:]
        storm(argv[2], argv[3], argv[4], float(argv[5]), workers, argv[1] == "mixed", until)
    elif len(argv) == 5 and argv[1] == "write-refused":
        return write_refused(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "check":
        check(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
