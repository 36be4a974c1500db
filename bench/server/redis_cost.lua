-- wrk script for redis_cost.sh: GET /api/dashboard/state round-robin over the users of
-- USERS_FILE ("<accessToken> <current version>" lines), optionally with If-None-Match.
--   wrk -t1 -cC -dD -s bench/server/redis_cost.lua URL -- USERS_FILE [etag]
-- With "etag" every request sends If-None-Match: "<that user's version>" (a 304 whose state
-- never leaves Redis); without it, a plain GET (200 with the state). POSTs use post.lua.
-- Every request is built once in init(); no response() is defined, so wrk does not hand
-- answers to Lua (wrk counts non-2xx answers itself: the 304s show there).

local requests = {}
local n = 0
local i = 0

function init(args)
  local path = args[1] or error("usage: redis_cost.lua USERS_FILE [etag]")
  for line in io.lines(path) do
    local token, version = line:match("^(%S+)%s+(%d+)")
    if token then
      n = n + 1
      local headers = { ["Authorization"] = "Bearer " .. token }
      if args[2] == "etag" then
        headers["If-None-Match"] = '"' .. version .. '"'
      end
      requests[n] = wrk.format("GET", wrk.path, headers)
    end
  end
  if n == 0 then error("no users in " .. path) end
end

function request()
  i = i % n + 1
  return requests[i]
end
