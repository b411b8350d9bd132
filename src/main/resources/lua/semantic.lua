-- The semantic index of one project state (RedisTier.SEMANTIC, ai.semantic.SemanticIndex): a string of
-- fixed-size records, the most recent first. Puts ARGV[1] first, drops an older record of the same
-- decision key (its first 64 bytes) and the records beyond ARGV[3], and keeps the index ARGV[4] ms.
-- KEYS: the index. ARGV: record, record size, records kept, TTL (ms). Returns the records kept.
local size = tonumber(ARGV[2])
local keep = tonumber(ARGV[3])
local current = redis.call('GET', KEYS[1]) or ''
local hash = string.sub(ARGV[1], 1, 64)
local out = {ARGV[1]}
for i = 1, #current - size + 1, size do
  if #out >= keep then
    break
  end
  local record = string.sub(current, i, i + size - 1)
  if string.sub(record, 1, 64) ~= hash then
    out[#out + 1] = record
  end
end
redis.call('SET', KEYS[1], table.concat(out), 'PX', ARGV[4])
return #out
