package dev.scenecache.ai.semantic;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.LuaScript;
import dev.scenecache.cache.SharedRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The prompts whose decisions are cached, per project state, in Redis, so that every instance can match
 * against them: one string per (project, context fingerprint) at
 * {@code sc:{p:<project>}:ai:sem:<context hash>}, in the project's hash slot, holding fixed-size records,
 * the most recent first ({@code semantic.lua} adds one and keeps {@code AI_SEMANTIC_CANDIDATES}; the
 * string lives as long as a decision, {@code CACHE_TTL_AI}). A lookup is one {@code GET}.
 *
 * <p>
 * A record: the decision's cache key (64 hex digits), the SHA-256 of the prompt's guard signature, its
 * embedding quantized to one signed byte a dimension (cosine error below 0.01), and the prompt's first 240
 * bytes for the audit. The index holds no decision: a match is served only while the decision cache still
 * holds the decision under its key (so a flush, an invalidation or its TTL ends the match too).
 */
@ApplicationScoped
public class SemanticIndex {

    static final int HASH = 64;
    static final int SIGNATURE = 32;
    static final int PROMPT = 240;
    static final int RECORD = HASH + SIGNATURE + Embedder.DIMENSIONS + 2 + PROMPT;

    /** One earlier prompt of a project state. */
    public record Entry(String decisionHash, byte[] signature, byte[] vector, String prompt) {

        /** Cosine similarity with a unit-length {@code query} (this vector is unit length up to quantization). */
        public double similarity(float[] query) {
            double dot = 0;
            for (int i = 0; i < vector.length; i++) {
                dot += query[i] * vector[i];
            }
            return dot / 127.0;
        }
    }

    /**
     * Puts a record first in the index at KEYS[1]: an older record of the same decision is dropped, and
     * those beyond the number to keep; the index lives the given ms.
     */
    static final LuaScript SEMANTIC = LuaScript.load("semantic");

    private final SharedRedis redis;

    public SemanticIndex(SharedRedis redis) {
        this.redis = redis;
    }

    static String key(UUID projectId, String contextHash) {
        return CacheKey.featureKey(CacheNames.projectGroup(projectId), "ai:sem:" + contextHash);
    }

    /** The entries of one project state, most recent first; empty when there are none. */
    public Uni<List<Entry>> entries(UUID projectId, String contextHash) {
        return redis.send(Request.cmd(Command.GET).arg(key(projectId, contextHash)))
                .map(r -> r == null ? List.<Entry> of() : decode(r.toBytes()));
    }

    /** Adds (or moves first) the entry of {@code decisionHash}, keeping {@code keep}, for {@code ttlMillis}. */
    public Uni<Long> add(UUID projectId, String contextHash, String decisionHash, PromptGuards.Signature signature,
            float[] vector, String prompt, int keep, long ttlMillis) {
        byte[] record = encode(decisionHash, signature, vector, prompt);
        return redis.eval(SEMANTIC, List.of(key(projectId, contextHash)), List.of(record, record.length, keep, ttlMillis))
                .map(Response::toLong);
    }

    static byte[] encode(String decisionHash, PromptGuards.Signature signature, float[] vector, String prompt) {
        ByteBuffer b = ByteBuffer.allocate(RECORD);
        byte[] hash = decisionHash.getBytes(StandardCharsets.US_ASCII);
        if (hash.length != HASH) {
            throw new IllegalArgumentException("a decision hash has 64 hex digits");
        }
        b.put(hash).put(signatureHash(signature));
        for (float x : vector) {
            b.put((byte) Math.max(-127, Math.min(127, Math.round(x * 127))));
        }
        byte[] text = truncated(prompt);
        b.putShort((short) text.length).put(text);
        return b.array();
    }

    static List<Entry> decode(byte[] bytes) {
        List<Entry> entries = new ArrayList<>(bytes.length / RECORD);
        for (int at = 0; at + RECORD <= bytes.length; at += RECORD) {
            ByteBuffer b = ByteBuffer.wrap(bytes, at, RECORD);
            byte[] hash = new byte[HASH];
            byte[] signature = new byte[SIGNATURE];
            byte[] vector = new byte[Embedder.DIMENSIONS];
            b.get(hash).get(signature).get(vector);
            int length = Math.min(PROMPT, Math.max(0, b.getShort()));
            byte[] text = new byte[length];
            b.get(text);
            entries.add(new Entry(new String(hash, StandardCharsets.US_ASCII), signature, vector,
                    new String(text, StandardCharsets.UTF_8)));
        }
        return entries;
    }

    static byte[] signatureHash(PromptGuards.Signature signature) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(signature.canonical().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first {@link #PROMPT} bytes of {@code prompt} in UTF-8, never cutting a character. */
    static byte[] truncated(String prompt) {
        byte[] all = prompt.getBytes(StandardCharsets.UTF_8);
        if (all.length <= PROMPT) {
            return all;
        }
        int end = PROMPT;
        while (end > 0 && (all[end] & 0xC0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(all, end);
    }
}
