package dev.scenecache.component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeClassInitialization;
import org.graalvm.nativeimage.hosted.RuntimeJNIAccess;

/**
 * What a native executable needs for swc4j, the TSX compiler, which runs as a Rust library over JNI.
 * Used only by the native build ({@code --features}, application.properties); the JVM never loads it.
 *
 * <ul>
 * <li>The library is loaded at run time: {@code Swc4jLibLoader} extracts it from the jar (a resource
 * of the image, {@code quarkus.native.resources.includes}) and {@code System.load}s it, so swc4j's
 * classes are initialized at run time, never in the image builder.
 * <li>The library reads the options and builds its results through JNI: it finds swc4j's classes and
 * calls their constructors, methods and fields by name, and a few of the JDK's. A native image answers
 * JNI lookups only for what was registered, so every class of the swc4j jar and those JDK classes are
 * registered whole (a narrower list would need the tracing agent's run of every AST node type). The
 * jar's other package (Javet's sanitizer) is neither registered nor initialized at build time.
 * </ul>
 */
public final class SwcNativeFeature implements Feature {

    private static final String ANCHOR = "com.caoccao.javet.swc4j.Swc4jNative";
    /** JDK classes the library names (found in its read-only data). */
    private static final List<String> JDK_CLASSES = List.of("java.lang.Boolean", "java.lang.Class", "java.lang.ClassLoader",
            "java.lang.Double", "java.lang.Integer", "java.lang.Long", "java.lang.Object", "java.lang.RuntimeException",
            "java.lang.StackTraceElement", "java.lang.String", "java.lang.Thread", "java.lang.Throwable",
            "java.math.BigInteger", "java.net.URL", "java.util.ArrayList", "java.util.HashMap", "java.util.List",
            "java.util.Map", "java.util.Optional");

    @Override
    public String getDescription() {
        return "swc4j (TSX compiler) over JNI: run-time initialization and JNI registration";
    }

    @Override
    public void afterRegistration(AfterRegistrationAccess access) {
        RuntimeClassInitialization.initializeAtRunTime("com.caoccao.javet");
    }

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        Class<?> anchor = access.findClassByName(ANCHOR);
        if (anchor == null) {
            return;
        }
        List<String> names = new ArrayList<>(JDK_CLASSES);
        names.addAll(classesOfJar(anchor));
        for (String name : names) {
            Class<?> type = access.findClassByName(name);
            if (type == null) {
                continue;
            }
            RuntimeJNIAccess.register(type);
            try {
                RuntimeJNIAccess.register(type.getDeclaredConstructors());
                RuntimeJNIAccess.register(type.getDeclaredMethods());
                RuntimeJNIAccess.register(type.getDeclaredFields());
            } catch (LinkageError e) {
                // A class whose members refer to a type the image does not have: keep the class itself.
            }
        }
    }

    private static List<String> classesOfJar(Class<?> anchor) {
        try {
            Path jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> names = new ArrayList<>();
            try (JarFile file = new JarFile(jar.toFile())) {
                for (JarEntry entry : Collections.list(file.entries())) {
                    String name = entry.getName();
                    // Only swc4j's own classes: the library names no other (the jar also has Javet's sanitizer).
                    if (name.startsWith("com/caoccao/javet/swc4j/") && name.endsWith(".class")) {
                        names.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                    }
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
