package dev.scenecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The shape of the code, checked on its sources: the cache has one door ({@code dev.scenecache.cache}),
 * and no class grows past what one reads in a sitting unless its javadoc says why.
 */
class CacheBoundaryTest {

    private static final Path MAIN = Path.of("src/main/java/dev/scenecache");
    /** A reference to a class in a room of the cache: {@code dev.scenecache.cache.<room>.}. */
    private static final Pattern ROOM = Pattern.compile("dev\\.scenecache\\.cache\\.[a-z]+\\.");
    private static final int MAX_LINES = 350;

    @Test
    void shouldKeepEveryFileOutsideTheCacheAwayFromItsRooms() throws IOException {
        List<String> leaks = new ArrayList<>();
        for (Path file : sources()) {
            if (file.startsWith(MAIN.resolve("cache"))) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = ROOM.matcher(lines.get(i));
                if (m.find()) {
                    leaks.add(MAIN.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        assertThat(leaks).as("files outside cache/ that reach into its rooms (use the door: dev.scenecache.cache)")
                .isEmpty();
    }

    @Test
    void shouldKeepEveryClassWithinAFewScreensUnlessItsJavadocSaysWhy() throws IOException {
        List<String> long_ = new ArrayList<>();
        for (Path file : sources()) {
            List<String> lines = Files.readAllLines(file);
            if (lines.size() > MAX_LINES && lines.stream().noneMatch(l -> l.contains("Longer than a few screens because"))) {
                long_.add(MAIN.relativize(file) + ": " + lines.size() + " lines");
            }
        }
        assertThat(long_).as("classes over " + MAX_LINES + " lines without a reason in their javadoc").isEmpty();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }
}
