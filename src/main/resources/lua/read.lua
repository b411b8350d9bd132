-- The read of one entry (RedisTier.READ): the value when its generations are current and it is fresh, else
-- a fill lease (and, for an expired value, the value too: served only if its source fails, stale-if-error).
-- KEYS: entry, group generation, lease. ARGV: cache generation (16 hex), lease token, lease ttl ms, now (epoch ms).
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
-- A hit is a value of format '3' (EntryCodec.FORMAT) of kind 'j', 'z' or 'n' with both generations current
-- and its fresh-until (header bytes 67..82) after now, as EntryCodec.isCurrent and freshUntil check it for the
-- reads that try a plain MGET first. Anything else takes the lease: a version floor ('f') or an entry of
-- another format is replaced by the fill.
local kind = v and string.sub(v, 2, 2)
if v and string.sub(v, 1, 1) == '3' and (kind == 'j' or kind == 'z' or kind == 'n')
    and string.sub(v, 3, 18) == ARGV[1] and string.sub(v, 19, 34) == string.format('%016x', g) then
  if tonumber(string.sub(v, 67, 82), 16) > tonumber(ARGV[4]) then
    return v
  end
  redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
  if kind ~= 'n' then
    return {g, v}
  end
  return g
end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
return g
