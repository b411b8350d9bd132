-- The read of one entry (RedisTier.READ): the value when its generations are current, else a fill lease.
-- KEYS: entry, group generation, lease. ARGV: cache generation (16 hex), lease token, lease ttl ms.
local v = redis.call('GET', KEYS[1])
local g = tonumber(redis.call('GET', KEYS[2]) or '0')
if v and string.sub(v, 3, 18) == ARGV[1] and string.sub(v, 19, 34) == string.format('%016x', g) then
  return v
end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
return g

