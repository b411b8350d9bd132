package dev.scenecache.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository beside the service's sources (deploy/, docs/), wherever the tests run from. */
public final class Root {

    private Root() {
    }

    /**
     * {@code relative} under the repository's root: {@code scenecache.root} (set by the build), else the working directory.
     */
    public static Path path(String relative) {
        String root = System.getProperty("scenecache.root");
        Path base = root != null && !root.isBlank() ? Path.of(root) : Path.of(".");
        Path resolved = base.resolve(relative).toAbsolutePath().normalize();
        if (!Files.exists(resolved)) {
            throw new IllegalStateException("no " + relative + " under the repository root " + base.toAbsolutePath());
        }
        return resolved;
    }
}
