package dev.scenecache.ai.semantic;

import static dev.scenecache.ai.semantic.PromptVocabulary.COLOURS;
import static dev.scenecache.ai.semantic.PromptVocabulary.DIRECTIONS;
import static dev.scenecache.ai.semantic.PromptVocabulary.EDITS;
import static dev.scenecache.ai.semantic.PromptVocabulary.FILLER;
import static dev.scenecache.ai.semantic.PromptVocabulary.FREE_TEXT;
import static dev.scenecache.ai.semantic.PromptVocabulary.KNOWN;
import static dev.scenecache.ai.semantic.PromptVocabulary.NEGATIONS;
import static dev.scenecache.ai.semantic.PromptVocabulary.NOT_CONTRACTION;
import static dev.scenecache.ai.semantic.PromptVocabulary.NUMBER_WORDS;
import static dev.scenecache.ai.semantic.PromptVocabulary.OPERATIONS;
import static dev.scenecache.ai.semantic.PromptVocabulary.ORDINALS;
import static dev.scenecache.ai.semantic.PromptVocabulary.PHRASAL;
import static dev.scenecache.ai.semantic.PromptVocabulary.PUT_POSITION;
import static dev.scenecache.ai.semantic.PromptVocabulary.QUOTED;
import static dev.scenecache.ai.semantic.PromptVocabulary.THINGS;
import static dev.scenecache.ai.semantic.PromptVocabulary.TOKEN;
import static dev.scenecache.ai.semantic.PromptVocabulary.UNITS;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.scenecache.ai.DecisionKey;
import dev.scenecache.ai.ProjectContext;

/**
 * What a similarity score cannot tell apart, read from a prompt by rule: two prompts may share a
 * decision only when their {@link Signature}s are equal, however close their embeddings are.
 * Sentence embeddings put "make scene 2 blue" next to "don't make scene 2 blue", "make scene 3 blue",
 * "make scene 2 red" and "delete scene 2"; the guards below are what keeps those apart.
 *
 * <ol>
 * <li><b>Negation</b>: not, no, never, without, none, nothing, nor, neither, cannot, avoid, except, and
 * every {@code n't} ("don't" is read "do not").</li>
 * <li><b>Numbers and ordinals</b>, in order: digits, number words up to twenty and the tens, ordinals
 * ("second" and "2nd" are 2), "last"/"final" and "penultimate" (second + last); with their units
 * ("2s", "2 seconds", "500ms", "50%", "24px").</li>
 * <li><b>The operation</b> the words ask for: add, delete, reorder, duplicate, rename, or else edit
 * (each by its verbs, as the brain's tools name them).</li>
 * <li><b>What is named</b>, in order: the project's scenes by name and type (from the context), the scene
 * types and the things a scene is made of (title, background, logo, font, music, …, synonyms folded).</li>
 * <li><b>Quoted text</b>, exactly, in order.</li>
 * <li><b>Colours and values</b>, in order: colour words ("grey" is "gray"), hex and {@code rgb()}
 * colours, and the words that say which way ("bigger"/"smaller", "before"/"after", "fade in"/"fade out",
 * "left"/"right", "show"/"hide", …).</li>
 * </ol>
 * "In order" keeps "move scene 2 before scene 4" from "move scene 4 before scene 2" and "replace red with
 * blue" from "replace blue with red". A guard only ever refuses a match: a word it does not know is left
 * to the embedding.
 */
public final class PromptGuards {

    private PromptGuards() {
    }

    /** The guarded facts of one prompt; equal signatures are a precondition of a semantic match. */
    public record Signature(boolean negated, List<String> numbers, String operation, List<String> named,
            List<String> quoted, List<String> values) {

        /** The guard that tells {@code other} apart from this one, or null when none does. */
        public String differenceFrom(Signature other) {
            if (negated != other.negated) {
                return "negation";
            }
            if (!numbers.equals(other.numbers)) {
                return "numbers";
            }
            if (!operation.equals(other.operation)) {
                return "operation";
            }
            if (!named.equals(other.named)) {
                return "named";
            }
            if (!quoted.equals(other.quoted)) {
                return "quoted";
            }
            if (!values.equals(other.values)) {
                return "values";
            }
            return null;
        }

        /** A stable text of the signature (stored with each indexed prompt). */
        public String canonical() {
            return (negated ? "neg" : "pos") + "|" + String.join(",", numbers) + "|" + operation + "|"
                    + String.join(",", named) + "|" + String.join("\u0001", quoted) + "|" + String.join(",", values);
        }
    }

    /** The signature of {@code prompt}, for a project in {@code context} (its scenes' names and types). */
    public static Signature of(String prompt, ProjectContext context) {
        // Quoted text as written (its case is what the user asks for); the rest normalised as the key is.
        String original = Normalizer.normalize(prompt, Normalizer.Form.NFKC);
        List<String> quoted = new ArrayList<>();
        Matcher q = QUOTED.matcher(original);
        StringBuilder rest = new StringBuilder();
        while (q.find()) {
            for (int g = 1; g <= q.groupCount(); g++) {
                if (q.group(g) != null) {
                    quoted.add(q.group(g).strip());
                }
            }
            q.appendReplacement(rest, " ");
        }
        q.appendTail(rest);
        String text = normalised(rest.toString());
        freeText(text).ifPresent(quoted::add);

        List<String> named = new ArrayList<>();
        if (context != null) {
            text = names(text, context, named);
        }
        List<String> tokens = new ArrayList<>();
        Matcher t = TOKEN.matcher(text);
        while (t.find()) {
            tokens.add(t.group());
        }
        boolean negated = false;
        List<String> numbers = new ArrayList<>();
        TreeSet<String> operations = new TreeSet<>();
        boolean edit = false;
        List<String> values = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String w = tokens.get(i);
            String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
            String previous = i > 0 ? tokens.get(i - 1) : "";
            if (NEGATIONS.contains(w)) {
                negated = true;
            }
            Integer number = null;
            if (Character.isDigit(w.charAt(0))) {
                String digits = w.replaceAll("(st|nd|rd|th)$", "");
                String unit = UNITS.get(next);
                numbers.add(digits + (unit == null ? "" : unit));
                if (unit != null) {
                    i++;
                }
                continue;
            } else if ((number = NUMBER_WORDS.get(w)) != null || (number = ORDINALS.get(w)) != null) {
                String unit = UNITS.get(next);
                if (unit != null && !next.equals("second")) {
                    i++;
                }
                numbers.add((number == -2 ? "0.5" : number == -3 ? "2x" : number == -4 ? "3x" : number.toString())
                        + (unit == null || next.equals("second") ? "" : unit));
                continue;
            } else if (w.equals("last") && (Character.isDigit(next.isEmpty() ? 'x' : next.charAt(0))
                    || NUMBER_WORDS.containsKey(next) || next.equals("for"))) {
                edit = true; // "last 5 seconds": the verb
                continue;
            } else if (w.equals("last") || w.equals("final")) {
                numbers.add("last");
                continue;
            } else if (w.equals("penultimate")) {
                numbers.add("2");
                numbers.add("last");
                continue;
            }
            String operation = w.equals("put") ? (PUT_POSITION.matcher(text).find() ? "reorder" : "add") : OPERATIONS.get(w);
            if (operation != null) {
                operations.add(operation);
            } else if (EDITS.contains(w)) {
                edit = true;
            }
            String colour = COLOURS.get(w);
            if (colour != null) {
                values.add(colour);
            } else if (w.startsWith("#") || w.startsWith("rgb")) {
                values.add(w.replace(" ", ""));
            }
            String direction = DIRECTIONS.get(w);
            if (direction != null) {
                values.add(direction);
            } else if ((w.equals("in") || w.equals("out") || w.equals("on") || w.equals("off"))
                    && (PHRASAL.contains(previous) || i >= 2 && PHRASAL.contains(tokens.get(i - 2)))) {
                values.add(w);
            }
            String thing = THINGS.get(w);
            if (thing != null) {
                named.add(thing);
            }
        }
        // No verb but a value ("scene 2 should be blue", "darken the title"): a change of what is there.
        String operation = !operations.isEmpty() ? String.join("+", operations)
                : edit || !values.isEmpty() ? "edit" : "none";
        return new Signature(negated, List.copyOf(numbers), operation, List.copyOf(named), List.copyOf(quoted),
                List.copyOf(values));
    }

    /**
     * The prompt as the guards read it, lower case, with its quoted text and the project's scene names and types
     * taken out (they are compared by the signature): what {@link PromptDifferences} compares word by word.
     */
    static String unguardedText(String prompt, ProjectContext context) {
        String text = normalised(QUOTED.matcher(Normalizer.normalize(prompt, Normalizer.Form.NFKC)).replaceAll(" "));
        return context == null ? text : names(text, context, new ArrayList<>());
    }

    /** As DecisionKey.normalise, but a trailing "%" or "!" is kept ("50%" is a value); fixed phrases folded. */
    private static String normalised(String text) {
        text = text.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
        text = NOT_CONTRACTION.matcher(text).replaceAll("$1 not");
        return text.replace("get rid of", "rid").replace("second to last", "penultimate")
                .replace("second-to-last", "penultimate").replace("second last", "penultimate")
                .replace("next to last", "penultimate").replace("next-to-last", "penultimate")
                .replace("speed up", "make faster").replace("slow down", "make slower");
    }

    /**
     * The words a user asks to be written, unquoted: what follows "say", "read", "called", "named",
     * "titled", "to" or "as", less the words the other guards know and filler. "Rename the outro to
     * Thanks" and "... to Goodbye" differ here; "change the background to blue" leaves nothing (blue is a
     * guarded colour).
     */
    static Optional<String> freeText(String text) {
        Matcher m = FREE_TEXT.matcher(text);
        String tail = null;
        while (m.find()) {
            tail = text.substring(m.end());
        }
        if (tail == null) {
            return Optional.empty();
        }
        List<String> words = new ArrayList<>();
        Matcher t = TOKEN.matcher(tail);
        while (t.find()) {
            String w = t.group();
            if (!FILLER.contains(w) && !KNOWN.contains(w) && !Character.isDigit(w.charAt(0)) && !w.startsWith("#")
                    && !w.startsWith("rgb")) {
                words.add(w);
            }
        }
        return words.isEmpty() ? Optional.empty() : Optional.of("text:" + String.join(" ", words));
    }

    /** Takes the project's scene names (longest first) out of {@code text} into {@code named}, and its types. */
    private static String names(String text, ProjectContext context, List<String> named) {
        List<ProjectContext.SceneRef> scenes = new ArrayList<>(context.scenes());
        scenes.sort((a, b) -> Integer.compare(b.name().length(), a.name().length()));
        // Names by position in the text, so that their order counts as the other guards' does.
        TreeMap<Integer, String> found = new TreeMap<>();
        StringBuilder masked = new StringBuilder(text);
        for (ProjectContext.SceneRef scene : scenes) {
            String name = DecisionKey.normalise(scene.name());
            if (name.length() < 3) {
                continue;
            }
            // Masked as found (same length), so that a shorter name is not found inside a longer one.
            Matcher m = word(name).matcher(masked);
            while (m.find()) {
                found.put(m.start(), "scene:" + scene.id());
                for (int i = m.start(); i < m.end(); i++) {
                    masked.setCharAt(i, ' ');
                }
            }
        }
        for (ProjectContext.SceneRef scene : scenes) {
            String type = scene.type().toLowerCase(Locale.ROOT);
            if (type.length() < 3 || THINGS.containsKey(type)) {
                continue; // a known thing is guarded as one
            }
            Matcher m = word(type).matcher(masked);
            while (m.find()) {
                found.putIfAbsent(m.start(), "type:" + type);
            }
        }
        named.addAll(found.values());
        return masked.toString();
    }

    /** {@code text} as a whole word (not inside another word or number). */
    private static Pattern word(String text) {
        return Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(text) + "(?![\\p{L}\\p{N}])");
    }
}
