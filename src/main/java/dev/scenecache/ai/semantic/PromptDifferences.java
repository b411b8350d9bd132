package dev.scenecache.ai.semantic;

import static dev.scenecache.ai.semantic.PromptVocabulary.COLOURS;
import static dev.scenecache.ai.semantic.PromptVocabulary.DIRECTIONS;
import static dev.scenecache.ai.semantic.PromptVocabulary.NEGATIONS;
import static dev.scenecache.ai.semantic.PromptVocabulary.NUMBER_WORDS;
import static dev.scenecache.ai.semantic.PromptVocabulary.OPERATIONS;
import static dev.scenecache.ai.semantic.PromptVocabulary.ORDINALS;
import static dev.scenecache.ai.semantic.PromptVocabulary.THINGS;
import static dev.scenecache.ai.semantic.PromptVocabulary.TOKEN;
import static dev.scenecache.ai.semantic.PromptVocabulary.UNITS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;

import dev.scenecache.ai.ProjectContext;

/**
 * Every difference explained, or no match. Two prompts whose {@link PromptGuards} signatures are equal may
 * still differ in a word no guard reads ("bolder" / "lighter", "daily" / "weekly", "keep" / "drop", "the logo
 * of the intro" / "the intro"); an embedding puts them close. So a match is allowed only when every content
 * word that one prompt has and the other lacks is <em>explained</em> by a word of the other:
 * <ul>
 * <li>a lemma in common ("moved" / "move"), or a WordNet synonym among the frequent senses of both
 * ({@link Lexicon#synonyms}: "big" / "large", "remove" / "take out");</li>
 * <li>the same meaning in the editor's domain list, for what WordNet cannot know: the guards' own folding of
 * operations, things, colours and directions ({@link PromptVocabulary}), and {@link #ATTRIBUTES}, the noun of an
 * attribute whose value the other prompt states ("the colour ... to blue" / "blue").</li>
 * </ul>
 * Antonyms refuse the match whatever else holds ({@link Lexicon#antonyms}). Anything else (another adjective,
 * adverb, object, quantity word) refuses it. What is not a content word: the closed classes below
 * ({@link #FUNCTION_WORDS}) and the {@link #LIGHT_VERBS}, numbers, ordinals, units and negations (the signature compares them),
 * quoted text
 * and the project's scene names and types (idem).
 */
public final class PromptDifferences {

    /**
     * Closed-class words: articles, determiners, pronouns, auxiliaries and modals, prepositions, conjunctions,
     * politeness ("are you able to", "would you mind"), and the editor's unit ("scene", "slide"; which one is the
     * signature's business).
     */
    static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "this", "that", "these", "those", "my", "our",
            "your", "its", "their", "his", "her", "it", "them", "they", "me", "us", "you", "i", "we", "he", "she",
            "one", "ones", "is", "are", "be", "been", "being", "was", "were", "am", "do", "does", "did", "done", "can",
            "could", "would", "will", "shall", "should", "may", "might", "must", "to", "of", "for", "in", "on", "at",
            "by", "with", "into", "onto", "from", "as", "and", "or", "so", "then", "please", "pls", "plz", "kindly",
            "thanks", "thank", "hey", "hi", "hello", "ok", "okay", "let", "lets", "s", "scene", "scenes", "slide",
            "slides", "there", "here", "now", "just", "want", "wanna", "like", "need", "id", "ll", "d", "ve", "re", "m",
            "able", "mind");

    /**
     * Verbs that say a change is made, not which ("make it blue", "turn it blue", "set it to blue", "it should be
     * blue"): the change is in the other words, and whether there is one at all is the signature's operation.
     */
    static final Set<String> LIGHT_VERBS = Set.of("make", "turn", "set", "change", "get", "render", "have");

    /**
     * Nouns that name the attribute a value of the other prompt sets ("change the colour of the title to blue" /
     * "make the title blue"): explained when the other prompt states such a value (the signature compares which).
     */
    static final Map<String, Set<String>> ATTRIBUTES = Map.of("color", COLOURS.keySet(), "colour", COLOURS.keySet(),
            "shade", COLOURS.keySet(), "hue", COLOURS.keySet(), "tint", COLOURS.keySet(),
            "size", Set.of("bigger", "larger", "smaller", "big", "small", "huge", "tiny", "enlarge", "shrink"),
            "speed", Set.of("faster", "slower", "quicker", "fast", "slow"));

    private PromptDifferences() {
    }

    /**
     * Why {@code a} and {@code b} may not share a decision ("antonyms: x / y", "unexplained: x"), or null when
     * every difference is explained. Loads the {@link Lexicon} on first use.
     */
    public static String unexplained(String a, String b, ProjectContext context) {
        List<String> x = contentWords(a, context);
        List<String> y = contentWords(b, context);
        Lexicon lexicon = Lexicon.get();
        for (String u : x) {
            for (String v : y) {
                if (!u.equals(v) && lexicon.antonyms(u, v)) {
                    return "antonyms: " + u + " / " + v;
                }
            }
        }
        String missing = firstUnexplained(x, y, lexicon);
        return missing != null ? missing : firstUnexplained(y, x, lexicon);
    }

    /** The content words of {@code prompt}, in order (see the class comment). */
    static List<String> contentWords(String prompt, ProjectContext context) {
        String text = PromptGuards.unguardedText(prompt, context);
        List<String> words = new ArrayList<>();
        Matcher t = TOKEN.matcher(text);
        while (t.find()) {
            String w = t.group().replace("'", "").replace("’", "");
            if (w.isEmpty() || !Character.isLetter(w.charAt(0)) || FUNCTION_WORDS.contains(w) || LIGHT_VERBS.contains(w)
                    || NEGATIONS.contains(w)
                    || NUMBER_WORDS.containsKey(w) || ORDINALS.containsKey(w) || UNITS.containsKey(w)
                    || w.equals("last") || w.equals("final") || w.equals("penultimate") || w.startsWith("rgb")) {
                continue;
            }
            words.add(w);
        }
        return words;
    }

    private static String firstUnexplained(List<String> words, List<String> other, Lexicon lexicon) {
        for (String w : words) {
            Set<String> values = ATTRIBUTES.get(w);
            boolean explained = values != null && other.stream().anyMatch(values::contains);
            for (String o : other) {
                if (w.equals(o) || sameInTheDomain(w, o, lexicon) || lexicon.synonyms(w, o)) {
                    explained = true;
                    break;
                }
            }
            if (!explained) {
                return "unexplained: " + w;
            }
        }
        return null;
    }

    /** The domain list (the guards' folding of operations, things, colours and directions), on any lemma of each. */
    static boolean sameInTheDomain(String a, String b, Lexicon lexicon) {
        for (String x : lexicon.lemmas(a)) {
            for (String y : lexicon.lemmas(b)) {
                if (same(OPERATIONS, x, y) || same(THINGS, x, y)
                        || same(COLOURS, x, y) || same(DIRECTIONS, x, y)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean same(Map<String, String> folding, String a, String b) {
        String x = folding.get(a);
        return x != null && Objects.equals(x, folding.get(b));
    }
}
