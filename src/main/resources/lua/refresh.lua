-- Refresh-ahead of one entry (RedisTier.REFRESH): one reload across instances while the entry is still fresh.
-- KEYS: entry, group generation, lease. ARGV: cache generation (16 hex), the fresh-until (16 hex) the caller
-- saw, lease token, lease ttl ms.
-- Returns the group generation when this caller took the lease (it reloads and fills with it, through fill.lua,
-- which any write of the key or its group defeats); the entry when it is current but no longer the one the
-- caller saw (refreshed or written since: the caller keeps that one); -1 when there is nothing to do (the entry
-- is gone or not current, or another reload holds the lease).
local raw = redis.call('GET', KEYS[2])
if not raw then return -1 end
local g = tonumber(raw)
local v = redis.call('GET', KEYS[1])
local kind = v and string.sub(v, 2, 2)
if not (v and string.sub(v, 1, 1) == '3' and (kind == 'j' or kind == 'z')
    and string.sub(v, 3, 18) == ARGV[1] and string.sub(v, 19, 34) == string.format('%016x', g)) then
  return -1
end
if string.sub(v, 67, 82) ~= ARGV[2] then return v end
if redis.call('SET', KEYS[3], ARGV[3], 'NX', 'PX', ARGV[4]) then return g end
return -1
