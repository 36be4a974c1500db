-- Pacing for wrk 4.1, which has no fixed-rate mode (wrk2 is not installed): defines the global
-- delay(), which wrk calls before every request, so that one wrk thread sends about RATE
-- requests per second in total over its CONNECTIONS connections.
--
-- Each connection waits a random time, uniform in [0, 2 * mean], before its next request
-- (mean = CONNECTIONS / RATE seconds at first), so the connections do not march in step. The
-- mean leaves out the response time, so once a second the achieved rate is compared with RATE
-- and the mean is scaled to close the gap (wrk's Lua has only os.time(), a 1-second clock).
-- wrk measures latency from the moment a request is written, so the waiting is not counted;
-- unlike wrk2 there is no coordinated-omission correction, which is acceptable well below the
-- peak (at 50 % of it queues stay short).
local M = {}

function M.install(rate, connections)
  rate = tonumber(rate)
  connections = tonumber(connections)
  if not rate or rate <= 0 or not connections or connections <= 0 then
    error("pace.install(RATE, CONNECTIONS): both must be positive numbers")
  end
  local base_ms = connections * 1000 / rate
  local scale = 1.0
  local window_start = os.time()
  local window_count = 0
  local first_window = true
  math.randomseed(os.time())

  -- Read by done() through thread:get, to report the achieved pacing.
  pace_scale = scale

  delay = function()
    window_count = window_count + 1
    local now = os.time()
    if now ~= window_start then
      if first_window then
        first_window = false -- the first window is a partial second: do not learn from it
      else
        local measured = window_count / (now - window_start)
        if measured > 0 then
          scale = scale * measured / rate
          if scale < 0.05 then scale = 0.05 end
          if scale > 20 then scale = 20 end
          pace_scale = scale
        end
      end
      window_start = now
      window_count = 0
    end
    local ms = 2 * base_ms * scale * math.random()
    return math.floor(ms + math.random()) -- wrk takes whole milliseconds: round at random
  end
end

return M
