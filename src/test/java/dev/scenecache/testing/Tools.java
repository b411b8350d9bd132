package dev.scenecache.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Programs some tests need from the machine's packages (promtool from Debian's {@code prometheus},
 * Chromium and ChromeDriver). A test whose program is missing is skipped with the command that installs
 * it, unless {@code SCENECACHE_REQUIRE_TOOLS=true} (set by {@code .ci/run}, which installs them): then it
 * fails, so CI can never pass by skipping.
 */
public final class Tools {

    private Tools() {
    }

    public static Path require(String path, String debianPackage) {
        Path program = Path.of(path);
        if (!Files.isExecutable(program)) {
            String message = path + " is missing: sudo apt-get install -y " + debianPackage;
            if ("true".equalsIgnoreCase(System.getenv("SCENECACHE_REQUIRE_TOOLS"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return program;
    }
}
