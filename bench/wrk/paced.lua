-- GET at a set rate, not as fast as the server answers. run.py passes WRK_RATE, the requests
-- a second wanted over all connections. wrk calls delay() before each request a connection
-- sends; each call takes the next slot of one schedule, 1000 / WRK_RATE ms apart, and waits
-- for it. So the rate does not depend on the page's latency (a fixed pause per connection,
-- connections * 1000 / rate, would add the latency to every pause) and the connections'
-- requests stay spread out. If the server falls behind, a late request goes at once. wrk
-- times a request from when it is sent, so the wait is not in the latencies.
local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } paced_timespec;
int clock_gettime(int clock, paced_timespec *now);
]])

local CLOCK_MONOTONIC = 1
local rate = tonumber(os.getenv("WRK_RATE") or "")
assert(rate and rate > 0, "set WRK_RATE to the requests a second wanted")
local interval = 1000 / rate
local clock = ffi.new("paced_timespec")
local next_slot

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

delay = function()
  local now = now_ms()
  next_slot = math.max((next_slot or now) + interval, now)
  return math.floor(next_slot - now + 0.5)
end
