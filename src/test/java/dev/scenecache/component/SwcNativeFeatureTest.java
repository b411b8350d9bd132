package dev.scenecache.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import java.util.jar.JarFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.caoccao.javet.swc4j.exceptions.Swc4jCoreException;

/**
 * What the native build registers for swc's JNI lookups, against the real library of this platform: every member the
 * library looks up (by the names and descriptors swc4j's JNI code uses, read off its sources) is kept; members no
 * lookup can name are left out.
 */
class SwcNativeFeatureTest {

    private static SwcNativeFeature.Library library;

    @BeforeAll
    static void readTheLibrary() throws Exception {
        Path jar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().startsWith("swc4j-") && !p.getFileName().toString().equals(
                        "swc4j-2.2.0.jar"))
                .findFirst().orElseThrow();
        try (JarFile file = new JarFile(jar.toFile())) {
            var entry = Collections.list(file.entries()).stream().filter(e -> e.getName().startsWith("libswc4j-")).findFirst()
                    .orElseThrow();
            library = new SwcNativeFeature.Library(entry.getName(),
                    new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void shouldKeepWhatTheLibraryLooksUp() throws Exception {
        assertThat(kept(ArrayList.class.getMethod("add", Object.class))).isTrue();
        assertThat(kept(ArrayList.class.getMethod("size"))).isTrue();
        assertThat(SwcNativeFeature.named(library, "<init>", SwcNativeFeature.descriptor(new Class<?>[0], void.class)))
                .isTrue();
        assertThat(kept(Integer.class.getMethod("valueOf", int.class))).isTrue();
        assertThat(kept(Optional.class.getMethod("isPresent"))).isTrue();
        assertThat(kept(Thread.class.getMethod("getContextClassLoader"))).isTrue();
        assertThat(kept(Swc4jCoreException.class.getMethod("parseError", String.class, Throwable.class))).isTrue();
    }

    @Test
    void shouldLeaveOutWhatNoLookupCanName() throws Exception {
        assertThat(kept(Thread.class.getMethod("setDaemon", boolean.class))).isFalse();
        assertThat(kept(ClassLoader.class.getMethod("getDefinedPackages"))).isFalse();
        assertThat(kept(ArrayList.class.getMethod("removeIf", java.util.function.Predicate.class))).isFalse();
    }

    @Test
    void shouldWriteJniDescriptors() throws Exception {
        assertThat(SwcNativeFeature.descriptor(new Class<?>[] { String.class, boolean.class, ClassLoader.class }, Class.class))
                .isEqualTo("(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;");
        assertThat(SwcNativeFeature.descriptor(new Class<?>[] { int[].class }, void.class)).isEqualTo("([I)V");
    }

    private static boolean kept(java.lang.reflect.Method m) {
        return SwcNativeFeature.named(library, m.getName(), SwcNativeFeature.descriptor(m.getParameterTypes(),
                m.getReturnType()));
    }
}
