-- wrk script: GET /api/dashboard/state, each request for the next user in round-robin.
--   wrk -t1 -c32 -d10s --latency -s bench/server/get.lua URL -- USERS_FILE [RATE CONNECTIONS]
-- USERS_FILE: one line per user, "<accessToken> [<anything>]". With RATE and CONNECTIONS the
-- requests are paced to about RATE req/s in total (pace.lua). Every request is built once in
-- init(); request() only picks the next one. Non-2xx answers are counted by wrk itself
-- ("Non-2xx or 3xx responses"); no response() is defined, so wrk does not hand bodies to Lua.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

local requests = {}
local n = 0
local i = 0

function init(args)
  local path = args[1] or error("usage: get.lua USERS_FILE [RATE CONNECTIONS]")
  for line in io.lines(path) do
    local token = line:match("^(%S+)")
    if token then
      n = n + 1
      requests[n] = wrk.format("GET", wrk.path, { ["Authorization"] = "Bearer " .. token })
    end
  end
  if n == 0 then error("no users in " .. path) end
  if args[2] then
    dofile(here .. "pace.lua").install(args[2], args[3])
  end
end

function request()
  i = i % n + 1
  return requests[i]
end
