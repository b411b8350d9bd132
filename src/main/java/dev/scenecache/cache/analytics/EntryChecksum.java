package dev.scenecache.cache.analytics;

import java.util.zip.CRC32C;

import dev.scenecache.cache.redis.EntryCodec;

/**
 * A fast checksum (CRC32C) of a Redis entry's content (its kind and body), never 0: 0 means "unknown". For content addresses:
 * {@code common.ContentHash}.
 */
public final class EntryChecksum {

    private EntryChecksum() {
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
