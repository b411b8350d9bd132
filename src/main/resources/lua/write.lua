-- A write's effect on one group (RedisTier.WRITE): deletes, version-guarded puts, then the publication.
-- KEYS: group generation, then (entry, lease) per operation. ARGV: channel, message, then (kind, entry, ttl ms).
-- Kinds: 'd' delete; 'p' put unless the same or a newer version is there (of any generation); 'g' the same after stamping the
-- entry with the current group generation (tombstones and version floors of writers that could not read it).
-- A put stamped with another group generation (read before the group was invalidated, or a writer's
-- remembered generation that has moved on since) stores a version floor instead, stamped with the
-- current generation: a miss that no older write can replace, so the value is read from the source.
-- A missing group generation starts at the server's clock in microseconds, as in read.lua.
-- Returns {receivers of the publication (0 without one), the group generation, then per operation 1 when
-- it stored its value (a 'p' put of a value that found no newer version), else 0}.
local raw = redis.call('GET', KEYS[1])
if not raw then
  local t = redis.call('TIME')
  raw = string.format('%d', tonumber(t[1]) * 1000000 + tonumber(t[2]))
  redis.call('SET', KEYS[1], raw)
end
local g = string.format('%016x', tonumber(raw))
local result = {0, raw}
for i = 1, (#KEYS - 1) / 2 do
  result[i + 2] = 0
  local key, lease = KEYS[2 * i], KEYS[2 * i + 1]
  local kind, entry, ttl = ARGV[3 * i], ARGV[3 * i + 1], ARGV[3 * i + 2]
  redis.call('DEL', lease)
  if kind == 'g' then
    entry = string.sub(entry, 1, 18) .. g .. string.sub(entry, 35)
  end
  if kind == 'p' and string.sub(entry, 19, 34) ~= g then
    -- EntryCodec.floor's layout: format, kind 'f', cache generation, group generation, version, zeros.
    entry = string.sub(entry, 1, 1) .. 'f' .. string.sub(entry, 3, 18) .. g .. string.sub(entry, 35, 50)
        .. string.rep('0', 32)
  end
  if kind == 'd' then
    redis.call('DEL', key)
  else
    -- Versions are committed ones and only grow: an entry of the same or a newer version, of whatever
    -- generation, means this put is late (a flush between two writes must not let the older one win).
    -- Formats '2' and '3' (EntryCodec) both hold the version at 35..50: compared across them, so that an
    -- instance of the previous release during a rolling update cannot put an older version back either.
    local current = redis.call('GET', key)
    local format = current and string.sub(current, 1, 1)
    if not ((format == '2' or format == '3')
        and tonumber(string.sub(current, 35, 50), 16) >= tonumber(string.sub(entry, 35, 50), 16)) then
      redis.call('SET', key, entry, 'PX', ttl)
      if kind == 'p' and string.sub(entry, 2, 2) ~= 'f' then result[i + 2] = 1 end
    end
  end
end
if ARGV[1] ~= '' then result[1] = redis.call('PUBLISH', ARGV[1], ARGV[2]) end
return result
