-- A write's effect on one group (RedisTier.WRITE): deletes, version-guarded puts, then the publication.
-- KEYS: group generation, then (entry, lease) per operation. ARGV: channel, message, then (kind, entry, ttl ms).
local g = string.format('%016x', tonumber(redis.call('GET', KEYS[1]) or '0'))
for i = 1, (#KEYS - 1) / 2 do
  local key, lease = KEYS[2 * i], KEYS[2 * i + 1]
  local kind, entry, ttl = ARGV[3 * i], ARGV[3 * i + 1], ARGV[3 * i + 2]
  redis.call('DEL', lease)
  if kind == 'd' or string.sub(entry, 19, 34) ~= g then
    redis.call('DEL', key)
  else
    local current = redis.call('GET', key)
    if not (current and string.sub(current, 1, 1) == string.sub(entry, 1, 1)
        and string.sub(current, 3, 34) == string.sub(entry, 3, 34)
        and tonumber(string.sub(current, 35, 50), 16) >= tonumber(string.sub(entry, 35, 50), 16)) then
      redis.call('SET', key, entry, 'PX', ttl)
    end
  end
end
if ARGV[1] ~= '' then return redis.call('PUBLISH', ARGV[1], ARGV[2]) end
return 0

