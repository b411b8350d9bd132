-- A generation counter (RedisTier.GENERATION) that never goes back, even when Redis lost it (restart
-- without persistence, FLUSHALL, eviction under an allkeys-* policy): a missing counter starts at the
-- server's clock in microseconds, and a bump moves it to max(current + 1, that clock). No entry stamped
-- with an earlier generation can become current again. read.lua starts a missing counter the same way.
-- KEYS: the counter. ARGV: 'bump' to move it on, 'current' to read it (starting it when missing).
local raw = redis.call('GET', KEYS[1])
if ARGV[1] == 'current' and raw then
  return tonumber(raw)
end
local t = redis.call('TIME')
local g = tonumber(t[1]) * 1000000 + tonumber(t[2])
if ARGV[1] == 'bump' then
  g = math.max(tonumber(raw or '0') + 1, g)
end
redis.call('SET', KEYS[1], string.format('%d', g))
return g
