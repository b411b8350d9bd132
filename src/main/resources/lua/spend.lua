-- A token bucket of upstream AI calls (RedisTier.SPEND, ai.SpendLimits), shared by every instance.
-- KEYS: the bucket (a hash: tokens, at). ARGV: capacity (calls per minute; the bucket refills at that rate).
-- Takes one token and returns 0, or returns the ms until one token is there (nothing taken).
-- Redis' clock, so that instances' clocks do not matter. The key lives a minute past its last use.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or capacity
local at = tonumber(held[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * capacity / 60000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 60000 / capacity)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%d', now))
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
