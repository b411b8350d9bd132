-- The read of one entry (RedisTier.READ): the value when its generations are current, else a fill lease.
-- KEYS: entry, group generation, lease. ARGV: cache generation (16 hex), lease token, lease ttl ms.
-- A missing group generation (never set, or lost with Redis' data) starts at the server's clock in
-- microseconds, as generation.lua does: entries stamped before the loss never match it.
local raw = redis.call('GET', KEYS[2])
local g
if raw then
  g = tonumber(raw)
else
  local t = redis.call('TIME')
  g = tonumber(t[1]) * 1000000 + tonumber(t[2])
  redis.call('SET', KEYS[2], string.format('%d', g))
end
local v = redis.call('GET', KEYS[1])
-- A hit is a value of format '2' (EntryCodec.FORMAT) of kind 'j', 'z' or 'n' with both generations current,
-- as EntryCodec.isCurrent checks it for the reads that try a plain MGET first. Anything else takes the
-- lease: a version floor ('f') or an entry of another format is replaced by the fill.
local kind = v and string.sub(v, 2, 2)
if v and string.sub(v, 1, 1) == '2' and (kind == 'j' or kind == 'z' or kind == 'n')
    and string.sub(v, 3, 18) == ARGV[1] and string.sub(v, 19, 34) == string.format('%016x', g) then
  return v
end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
return g
