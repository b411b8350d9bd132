-- A fill after a miss (RedisTier.FILL): lands only while the lease is held and the group generation holds.
-- KEYS: entry, group generation, lease. ARGV: lease token, entry, ttl ms.
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
local g = tonumber(redis.call('GET', KEYS[2]) or '0')
if string.sub(ARGV[2], 19, 34) ~= string.format('%016x', g) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('DEL', KEYS[3])
return 1

