package dev.scenecache.component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.scenecache.cache.JsonDocument;
import dev.scenecache.common.ContentHash;
import dev.scenecache.common.Limits;
import dev.scenecache.common.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * Component builds: limits, the content address, and the scene's current code.
 *
 * <p>
 * The content address is the SHA-256 of the compiler's name and version, its options, the TSX code
 * and the canonical JSON of the props (object keys sorted at every level, no whitespace), each part
 * length-prefixed so that no two different inputs can produce the same bytes. It is stable across
 * restarts and instances, and a compiler upgrade or option change moves every key.
 */
@ApplicationScoped
public class ComponentService {

    private final ComponentBuilds builds;
    private final SwcCompiler compiler;
    private final ObjectMapper mapper;
    private final ObjectMapper canonical;

    public ComponentService(ComponentBuilds builds, SwcCompiler compiler, ObjectMapper mapper) {
        this.builds = builds;
        this.compiler = compiler;
        this.mapper = mapper;
        this.canonical = mapper.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .configure(SerializationFeature.INDENT_OUTPUT, false);
    }

    /** Builds {@code tsx} with {@code props} (null: none) through the cache; 413 beyond the limits. */
    public Uni<BuildResult> build(String tsx, JsonNode props) {
        if (Limits.utf8Length(tsx) > Limits.TSX_CODE_MAX_BYTES) {
            throw ProblemException.tooLarge("tsxCode", "must be at most " + Limits.TSX_CODE_MAX_BYTES + " bytes (UTF-8)");
        }
        byte[] canonicalProps = canonicalJson(props == null || props.isNull() ? JsonNodeFactory.instance.objectNode() : props);
        if (canonicalProps.length > Limits.PROPS_MAX_BYTES) {
            throw ProblemException.tooLarge("props", "must be at most " + Limits.PROPS_MAX_BYTES + " bytes of JSON");
        }
        return builds.build(hash(tsx, canonicalProps), tsx);
    }

    /** The build of a scene's current code and props, from the scene's cached JSON. */
    public Uni<BuildResult> buildScene(JsonDocument scene) {
        JsonNode node;
        try {
            node = mapper.readTree(scene.json());
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable scene JSON", e);
        }
        return build(node.path("tsxCode").asText(""), node.get("props"));
    }

    String hash(String tsx, byte[] canonicalProps) {
        return ContentHash.of(compiler.name().getBytes(StandardCharsets.UTF_8),
                SwcCompiler.OPTIONS.getBytes(StandardCharsets.UTF_8), tsx.getBytes(StandardCharsets.UTF_8), canonicalProps);
    }

    private byte[] canonicalJson(JsonNode props) {
        try {
            return canonical.writeValueAsBytes(canonical.treeToValue(props, Object.class));
        } catch (IOException e) {
            throw ProblemException.invalid("props", "is not valid JSON");
        }
    }
}
