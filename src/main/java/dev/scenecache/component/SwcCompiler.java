package dev.scenecache.component;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.caoccao.javet.swc4j.Swc4j;
import com.caoccao.javet.swc4j.enums.Swc4jMediaType;
import com.caoccao.javet.swc4j.enums.Swc4jSourceMapOption;
import com.caoccao.javet.swc4j.exceptions.Swc4jCoreException;
import com.caoccao.javet.swc4j.options.Swc4jJsxRuntimeOption;
import com.caoccao.javet.swc4j.options.Swc4jTranspileOptions;

/**
 * TSX to JavaScript in process with swc (swc4j): TypeScript syntax stripped (interfaces, generics, type
 * annotations; enums become objects), JSX through the automatic runtime ({@code react/jsx-runtime}
 * imports), ES modules kept, no source map. Thread-safe: each call is independent.
 *
 * <p>
 * Output syntax: swc4j 2.2.0 offers no downlevelling preset, so the output keeps the input's
 * ECMAScript syntax (ES2020 for ES2020 input; {@code ??=} or class fields pass through unchanged).
 *
 * <p>
 * A syntax error is a result, not an exception: its message, line and column (1-based, as swc
 * reports them). swc's native code prints a panic line on stderr for each one (harmless; failed
 * builds are cached, so each broken code prints it once).
 */
@ApplicationScoped
public class SwcCompiler {

    /** Part of every cache key: another compiler, version or option set never serves this one's output. */
    public static final String OPTIONS = "tsx;jsx=automatic;module=esm;sourcemap=none";

    private static final String SPECIFIER = "file:///component.tsx";
    private static final Pattern POSITION = Pattern.compile("at " + Pattern.quote(SPECIFIER) + ":(\\d+):(\\d+)\\s*$");

    /** The outcome of one compile. */
    public record Compiled(boolean success, String js, List<BuildResult.BuildError> errors) {
    }

    private final Swc4j swc;
    private final Swc4jTranspileOptions options;
    private final String name;

    public SwcCompiler() {
        SwcLibrary.prepare();
        this.swc = new Swc4j();
        try {
            this.options = new Swc4jTranspileOptions()
                    .setMediaType(Swc4jMediaType.Tsx)
                    .setJsx(Swc4jJsxRuntimeOption.Automatic())
                    .setSourceMap(Swc4jSourceMapOption.None)
                    .setSpecifier(new URL(SPECIFIER));
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        this.name = "swc4j " + swc.getVersion();
    }

    /** The compiler's name and version, as BuildResult's {@code compiler} and in the cache key. */
    public String name() {
        return name;
    }

    public Compiled compile(String tsx) {
        try {
            return new Compiled(true, swc.transpile(tsx, options).getCode(), List.of());
        } catch (Swc4jCoreException e) {
            return new Compiled(false, null, List.of(error(e.getMessage())));
        }
    }

    /** swc's message: a first line, a code excerpt, then {@code at file:///component.tsx:LINE:COLUMN}. */
    static BuildResult.BuildError error(String message) {
        String text = message == null ? "compile error" : message.strip();
        Matcher at = POSITION.matcher(text);
        int line = 0;
        int column = 0;
        if (at.find()) {
            line = Integer.parseInt(at.group(1));
            column = Integer.parseInt(at.group(2));
        }
        String first = text.lines().findFirst().orElse(text);
        return new BuildResult.BuildError(first, line, column);
    }
}
