package dev.scenecache.cache.analytics;

import java.util.zip.CRC32C;

import dev.scenecache.cache.redis.EntryCodec;

/** A hash of a Redis entry's content (its body after the header), never 0: 0 means "unknown". */
public final class ContentHash {

    private ContentHash() {
    }

    public static int of(byte[] entry) {
        if (entry == null || entry.length < EntryCodec.HEADER) {
            return 0;
        }
        CRC32C crc = new CRC32C();
        crc.update(entry, 1, 1); // the kind: a not-found and a value of the same bytes differ
        crc.update(entry, EntryCodec.HEADER, entry.length - EntryCodec.HEADER);
        int hash = (int) crc.getValue();
        return hash == 0 ? 1 : hash;
    }
}
