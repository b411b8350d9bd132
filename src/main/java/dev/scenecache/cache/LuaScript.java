package dev.scenecache.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script of {@code src/main/resources/lua/}, with the SHA-1 that {@code EVALSHA} names it by. Run
 * through {@link SharedRedis#eval} (or the cache's own Redis tier): by its SHA, and once by its body when
 * Redis does not know it (restarted, flushed, failed over). Every key a script touches must be passed as
 * a key and all of them must share one hash slot (a hash tag), or Redis Cluster refuses it.
 */
public record LuaScript(String name, String body, String sha) {

    /** The script {@code /lua/<name>.lua} on the class path. */
    public static LuaScript load(String name) {
        try (var in = LuaScript.class.getResourceAsStream("/lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("Missing Lua script " + name);
            }
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new LuaScript(name, body, sha1(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String body) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
