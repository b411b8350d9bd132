package dev.scenecache.ai;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.scenecache.common.ContentHash;

/**
 * The decision cache key: SHA-256 (never a 32-bit hash: a collision would serve one prompt's decision
 * for another) of the normalised prompt, the provider, the model, the tool-schema version and the
 * context fingerprint, each length-prefixed.
 *
 * <p>
 * <b>The fingerprint</b> is the context exactly as the brain sees it: the project type and the
 * ordered scenes' ids, names, types and orders ({@link ProjectContext}). A decision is a function of
 * the prompt and that context, so a hit is correct by construction; and what the brain never sees
 * (scene code, props, durations: what users edit most) is left out, so edits of a scene's content keep
 * the hits. Anything finer (e.g. only the target scene) could serve an {@code addScene} decided for
 * another list, or a position-based target ("scene 2") that now means another scene.
 */
public final class DecisionKey {

    /** Bumped when the tools offered to the brain change: old decisions then no longer match. */
    public static final String TOOL_SCHEMA_VERSION = "tools-v1";

    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[\\p{Punct}\\p{IsPunctuation}\\s]+$");

    private DecisionKey() {
    }

    /** Unicode NFKC, case-folded, whitespace collapsed, trailing punctuation trimmed. */
    public static String normalise(String prompt) {
        String text = Normalizer.normalize(prompt, Normalizer.Form.NFKC);
        text = text.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT); // full case folding (ß -> ss, ...)
        text = SPACES.matcher(text).replaceAll(" ").strip();
        return TRAILING_PUNCTUATION.matcher(text).replaceAll("");
    }

    public static String of(String prompt, String provider, String model, ProjectContext context) {
        return ContentHash.of(normalise(prompt), provider, model, TOOL_SCHEMA_VERSION, fingerprint(context));
    }

    /**
     * The same without the prompt: which decisions were made for the same brain and project state (the
     * semantic decision cache compares prompts within one such state only).
     */
    public static String context(String provider, String model, ProjectContext context) {
        return ContentHash.of(provider, model, TOOL_SCHEMA_VERSION, fingerprint(context));
    }

    private static String fingerprint(ProjectContext context) {
        StringBuilder fingerprint = new StringBuilder(context.projectType());
        for (ProjectContext.SceneRef s : context.scenes()) {
            fingerprint.append('\n').append(s.id()).append('\t').append(s.order()).append('\t').append(s.type())
                    .append('\t').append(s.name());
        }
        return fingerprint.toString();
    }
}
