package dev.scenecache.component;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import com.caoccao.javet.swc4j.Swc4jLibLoader;
import com.caoccao.javet.swc4j.interfaces.ISwc4jLibLoadingListener;

/**
 * Where swc's native library comes from. On the JVM, swc4j extracts it from its jar, as it always does. The native
 * executable carries it gzipped instead ({@link SwcNativeFeature} adds {@value #GZIP} and {@value #NAME} to the
 * image: 5.7 MB instead of 20 MB); the first compile unpacks it once into a private temporary directory and points
 * swc4j's loader there.
 */
final class SwcLibrary {

    /** The gzipped library, a resource of the native executable only. */
    static final String GZIP = "swc/library.gz";
    /** The library's file name, as swc4j's loader expects it (a resource beside the library). */
    static final String NAME = "swc/library.name";

    private SwcLibrary() {
    }

    /** Before the first {@code new Swc4j()}: where there is a gzipped library, unpacks it and loads it from there. */
    static synchronized void prepare() {
        ClassLoader loader = SwcLibrary.class.getClassLoader();
        try (InputStream gzip = loader.getResourceAsStream(GZIP); InputStream name = loader.getResourceAsStream(NAME)) {
            if (gzip == null || name == null) {
                return; // the JVM: swc4j's own extraction from its jar
            }
            Path dir = Files.createTempDirectory("scenecache-swc");
            Path library = dir.resolve(new String(name.readAllBytes(), StandardCharsets.UTF_8).strip());
            try (InputStream in = new GZIPInputStream(gzip)) {
                Files.copy(in, library);
            }
            library.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            Swc4jLibLoader.setLibLoadingListener(new ISwc4jLibLoadingListener() {
                @Override
                public File getLibPath() {
                    return dir.toFile();
                }

                @Override
                public boolean isDeploy() {
                    return false;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("swc's native library could not be unpacked", e);
        }
    }
}
