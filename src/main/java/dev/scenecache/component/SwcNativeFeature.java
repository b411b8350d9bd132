package dev.scenecache.component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.GZIPOutputStream;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeClassInitialization;
import org.graalvm.nativeimage.hosted.RuntimeJNIAccess;
import org.graalvm.nativeimage.hosted.RuntimeResourceAccess;

/**
 * What a native executable needs for swc4j, the TSX compiler, which runs as a Rust library over JNI.
 * Used only by the native build ({@code --features}, application.properties); the JVM never loads it.
 *
 * <ul>
 * <li>The library is loaded at run time, so swc4j's classes are initialized at run time, never in the
 * image builder. The image carries it gzipped (a resource this feature adds: 5.7 MB instead of 20 MB),
 * which {@link SwcLibrary} unpacks before the first compile.
 * <li>The library reads the options and builds its results through JNI: it finds swc4j's classes and
 * calls their constructors, methods and fields by name, and a few of the JDK's. A native image answers
 * JNI lookups only for what was registered, and everything registered is compiled into the executable.
 * Every class of the swc4j jar and those JDK classes are registered, but of their members only those the
 * library can ask for: a JNI lookup names a member and its type descriptor ({@code "add"},
 * {@code "(Ljava/lang/Object;)Z"}), which a Rust library keeps as literals in its read-only data, so a
 * member whose name or descriptor the library's bytes do not contain cannot be looked up. (Registering
 * the JDK classes whole pulled much of class loading and threading into the executable.) The jar's other
 * package (Javet's sanitizer) is neither registered nor initialized at build time.
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
        Library library = library(access.getApplicationClassPath());
        addGzipped(library, access.getApplicationClassLoader().getUnnamedModule());
        List<String> names = new ArrayList<>(JDK_CLASSES);
        names.addAll(classesOfJar(anchor));
        for (String name : names) {
            Class<?> type = access.findClassByName(name);
            if (type == null) {
                continue;
            }
            RuntimeJNIAccess.register(type);
            try {
                for (Constructor<?> c : type.getDeclaredConstructors()) {
                    if (named(library, "<init>", descriptor(c.getParameterTypes(), void.class))) {
                        RuntimeJNIAccess.register(c);
                    }
                }
                for (Method m : type.getDeclaredMethods()) {
                    if (named(library, m.getName(), descriptor(m.getParameterTypes(), m.getReturnType()))) {
                        RuntimeJNIAccess.register(m);
                    }
                }
                for (Field f : type.getDeclaredFields()) {
                    if (named(library, f.getName(), f.getType().descriptorString())) {
                        RuntimeJNIAccess.register(f);
                    }
                }
            } catch (LinkageError e) {
                // A class whose members refer to a type the image does not have: keep the class itself.
            }
        }
    }

    /** Whether the library's bytes hold a member's name and its descriptor: else it cannot look it up. */
    static boolean named(Library library, String name, String descriptor) {
        return library.holds(name) && library.holds(descriptor);
    }

    /**
     * The library, by its file name, and its bytes as Latin-1 text (to look for names in). Each string is looked for
     * once: the same names and descriptors come back for thousands of members, and a miss scans all 20 MB.
     */
    record Library(String fileName, String text, Map<String, Boolean> found) {

        Library(String fileName, String text) {
            this(fileName, text, new HashMap<>());
        }

        boolean holds(String s) {
            return found.computeIfAbsent(s, text::contains);
        }
    }

    /** The library as {@link SwcLibrary} unpacks it: gzipped, with its file name beside it. */
    private static void addGzipped(Library library, Module module) {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(library.text().getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RuntimeResourceAccess.addResource(module, SwcLibrary.GZIP, gzipped.toByteArray());
        RuntimeResourceAccess.addResource(module, SwcLibrary.NAME, library.fileName().getBytes(StandardCharsets.UTF_8));
    }

    static String descriptor(Class<?>[] parameters, Class<?> result) {
        StringBuilder d = new StringBuilder("(");
        for (Class<?> p : parameters) {
            d.append(p.descriptorString());
        }
        return d.append(')').append(result.descriptorString()).toString();
    }

    /** The swc library of this platform ({@code libswc4j-*}, in a jar of the class path). */
    private static Library library(List<Path> classPath) {
        for (Path entry : classPath) {
            if (!entry.toString().endsWith(".jar")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry.toFile())) {
                for (JarEntry e : Collections.list(jar.entries())) {
                    if (e.getName().startsWith("libswc4j-") && !e.isDirectory()) {
                        try (InputStream in = jar.getInputStream(e)) {
                            return new Library(e.getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(entry.toString(), e);
            }
        }
        throw new IllegalStateException("no swc library (libswc4j-*) in a jar of the class path");
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
