-- wrk script of scripts/bench (issue 13, P2): a storm of member logins. Each request posts
-- the login form with one pre-login CSRF cookie and its token (valid for every login made
-- without a session), for the members of BENCH_USERS in turn; a success is a 303 to /menu.
--   BENCH_USERS=u1,u2 BENCH_PASSWORD=... BENCH_COOKIE='kenpo_csrf=...' BENCH_TOKEN=... \
--     wrk -t2 -c32 -d20s --timeout 30s -s scripts/bench_login.lua http://127.0.0.1:PORT/
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  failed = 0
  sent = 0
  users = {}
  for u in string.gmatch(os.getenv("BENCH_USERS") or "", "[^,]+") do
    table.insert(users, u)
  end
  password = os.getenv("BENCH_PASSWORD")
  token = os.getenv("BENCH_TOKEN")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
end

function request()
  sent = sent + 1
  local user = users[(sent % #users) + 1]
  return wrk.format(nil, "/", nil, "csrf=" .. token .. "&user_id=" .. user .. "&password=" .. password)
end

function response(status, headers, body)
  local location = headers["location"] or headers["Location"]
  if status == 303 and location == "/menu" then
    ok = ok + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local o, f = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    f = f + t:get("failed")
  end
  io.write(string.format("logins_ok %d logins_failed %d\n", o, f))
end
