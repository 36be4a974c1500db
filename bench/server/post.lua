-- wrk script: POST /api/dashboard/state, each request a real write for the next user in
-- round-robin, with version = that user's last version + 1.
--   wrk -t1 -c32 -d10s --latency -s bench/server/post.lua URL -- USERS_FILE STATE_FILE \
--       [RATE CONNECTIONS]
-- USERS_FILE: one line per user, "<accessToken> <current version>" (run.sh reads the versions
-- from Redis before each run). STATE_FILE: the state JSON object sent in every request.
-- With RATE and CONNECTIONS the requests are paced to about RATE req/s in total (pace.lua).
--
-- No two requests in flight carry the same user: a user is leased from its request until its
-- answer, and request() takes the next user in round-robin order that is not leased (with
-- 100 users and 32 connections, at most 32 are leased). The answer is matched to its user by
-- X-Request-Id, which the server echoes ("bench-u<k>"). A 200 moves that user's version on by
-- one; any other answer is counted, and a 409 takes the server's version, so the next request
-- for that user is a write again. done() prints the counts; run.sh shows them.
-- Use -t1 (one wrk thread, as run.sh does): threads do not share leases, so with -tT two
-- threads could send the same user at once (the 409s would show it). wrk calls request() once on thread 0 before the run, only to check the script; that call
-- leases nothing.

local tokens = {}
local versions = {}
local leased = {}
local mine = {} -- user indexes, in order
local m = 0
local cursor = 0
local state = nil
local headers = nil
local verify_call_pending = false
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

thread_index = 0 -- set by setup() before init()

-- counters read by done() through thread:get()
writes = 0         -- 200 with conflictResolution "client": a new version was stored
idempotent = 0     -- 200 without it (would mean a version was sent twice)
non2xx = 0
conflicts = 0      -- 409
unmatched = 0      -- an answer without our X-Request-Id
fallbacks = 0      -- every user of this thread was in flight: one was sent twice

function init(args)
  local upath = args[1] or error("usage: post.lua USERS_FILE STATE_FILE [RATE CONNECTIONS]")
  local spath = args[2] or error("usage: post.lua USERS_FILE STATE_FILE [RATE CONNECTIONS]")
  local k = 0
  for line in io.lines(upath) do
    local token, version = line:match("^(%S+)%s+(%d+)")
    if token then
      k = k + 1
      tokens[k] = "Bearer " .. token
      versions[k] = tonumber(version)
      m = m + 1
      mine[m] = k
    end
  end
  if m == 0 then error("no users (\"<token> <version>\" lines) in " .. upath) end
  local f = assert(io.open(spath, "rb"))
  state = f:read("*a")
  f:close()
  headers = { ["Content-Type"] = "application/json" }
  verify_call_pending = (thread_index == 0)
  if args[3] then
    dofile(here .. "pace.lua").install(args[3], args[4])
  end
end

local function build(k, version)
  headers["Authorization"] = tokens[k]
  headers["X-Request-Id"] = "bench-u" .. k
  return wrk.format("POST", wrk.path, headers,
                    '{"version":' .. string.format("%d", version) .. ',"state":' .. state .. '}')
end

function request()
  if verify_call_pending then
    verify_call_pending = false
    return build(mine[1], versions[mine[1]] + 1)
  end
  local k = nil
  for _ = 1, m do
    cursor = cursor % m + 1
    if not leased[mine[cursor]] then
      k = mine[cursor]
      break
    end
  end
  if k == nil then
    fallbacks = fallbacks + 1
    cursor = cursor % m + 1
    k = mine[cursor]
  end
  leased[k] = true
  return build(k, versions[k] + 1)
end

function response(status, hdrs, body)
  local id = hdrs["X-Request-Id"] or hdrs["x-request-id"]
  local k = id and tonumber(id:match("^bench%-u(%d+)$"))
  if k == nil or tokens[k] == nil then
    unmatched = unmatched + 1
    if status ~= 200 then non2xx = non2xx + 1 end
    return
  end
  leased[k] = nil
  if status == 200 then
    versions[k] = versions[k] + 1
    if body:find('"conflictResolution":"client"', 1, true) then
      writes = writes + 1
    else
      idempotent = idempotent + 1
    end
    return
  end
  non2xx = non2xx + 1
  if status == 409 then
    conflicts = conflicts + 1
    local v = tonumber(body:match('"serverVersion":(%d+)'))
    if v then versions[k] = v end
  end
end

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total = { writes = 0, idempotent = 0, non2xx = 0, conflicts = 0, unmatched = 0,
                  fallbacks = 0 }
  for _, t in ipairs(threads) do
    for name in pairs(total) do
      total[name] = total[name] + t:get(name)
    end
  end
  io.write(string.format(
    "post.lua: writes=%d idempotent=%d non2xx=%d conflicts=%d unmatched=%d fallbacks=%d\n",
    total.writes, total.idempotent, total.non2xx, total.conflicts, total.unmatched,
    total.fallbacks))
end
