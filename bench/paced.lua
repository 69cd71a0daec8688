-- wrk at a rough target rate: each connection waits `delay` ms between requests (wrk's delay() hook).
-- The target is set by the command line: wrk ... -s paced.lua URL -- DELAY_MS
local delay_ms = 10
function init(args)
  if args[1] then delay_ms = tonumber(args[1]) end
end
function delay()
  return delay_ms
end
