-- Trusting a Redis Cluster topology (ClusterTopology): when its signature (every slot-serving master's id
-- and config epoch) differs from the one stored, a master changed, and it may have lost acknowledged writes
-- (replication is asynchronous): every cache generation moves on, so nothing stored before is current
-- again, and the signature is stored. Answers the cache generations.
-- KEYS: the stored signature, then the cache generation counters (all in the {gen} slot).
-- ARGV: the signature, then per counter the lowest new generation (the caller's view + 1).
local stored = redis.call('GET', KEYS[1])
local moved = stored ~= ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local result = {}
for i = 2, #KEYS do
  local raw = redis.call('GET', KEYS[i])
  local g
  if moved or not raw then
    g = math.max(tonumber(raw or '0') + 1, now, tonumber(ARGV[i]))
    redis.call('SET', KEYS[i], string.format('%d', g))
  else
    g = tonumber(raw)
  end
  result[i - 1] = g
end
if moved then
  redis.call('SET', KEYS[1], ARGV[1])
end
return result
