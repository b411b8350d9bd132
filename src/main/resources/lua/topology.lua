-- The fence: trusting the data of a Redis whose owner may have changed. On Redis Cluster the signature is
-- every slot-serving master's id and config epoch (ClusterTopology); on one Redis or with Sentinel it is the
-- server's run id and replication id (ServerIdentity). When it differs from the one stored, the data may
-- be older than what instances acknowledged (a promoted replica, a restart from a snapshot or an AOF):
-- every cache generation moves on, so nothing stored before is current again, and the signature is stored.
-- Answers the cache generations, then 0 (same signature), 1 (another signature was stored: fenced) or
-- 2 (none was stored: an empty or flushed Redis; the generations start anew).
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
local change = 0
if moved then
  change = stored and 1 or 2
end
result[#KEYS] = change
return result
