package dev.scenecache.ai.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Pointer;
import net.sf.extjwnl.data.PointerType;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;

/**
 * Near-misses made mechanically from paraphrase pairs, never written by hand: for a pair (a, b) that means the
 * same, b is changed in one way that changes what it asks, and (a, b') must not share a decision. One variant per
 * kind and pair, from the lexicon (WordNet), not from the guards' word lists:
 * <ul>
 * <li>{@code antonym}: a content word of b swapped for a WordNet antonym of it ("bigger" for "smaller");</li>
 * <li>{@code sibling}: a content word swapped for another word under the same hypernym, not a synonym ("yellow"
 * for "blue", "logo" for "title", "weekly" for "daily");</li>
 * <li>{@code quantity}: a quantity word put before b's last content word ("several", "a single", ...);</li>
 * <li>{@code extra-object}: "the X of" put before b's last content word, X a sibling of that word ("the logo of
 * the intro" for "the intro");</li>
 * <li>{@code removed-object}: "the X of" taken out of b where it has one and X is a thing (WordNet: not an
 * attribute, quantity, ... but an artifact, a communication, a shape, ...: "the title of the intro" becomes "the
 * intro", while "the colour of" or "a bit of" stay), the converse of the above.</li>
 * </ul>
 */
final class NearMisses {

    /** Quantity words (determiners and number nouns), the closed class the generator draws from. */
    static final List<String> QUANTITIES = List.of("several", "a single", "a pair of", "a few", "many", "both",
            "a couple of", "a dozen", "half of", "most of", "some of");

    /** "the X of (the)" in a prompt: an object X of something. */
    private static final Pattern OBJECT = Pattern.compile("(?i)\\b(the|a|an|its) ([a-z]+) of (?=(the )?\\S)");
    /** WordNet's categories of nouns that name things (what an "extra object" is). */
    private static final java.util.Set<String> THING_CATEGORIES = java.util.Set.of("noun.artifact", "noun.communication",
            "noun.shape", "noun.object", "noun.body", "noun.animal", "noun.plant", "noun.food", "noun.substance");

    record NearMiss(String kind, String a, String b, String from) {
    }

    private NearMisses() {
    }

    /** The near-misses of each paraphrase pair ({@code same} pairs only), in the pairs' order. */
    static List<NearMiss> of(List<SemanticEvaluationTest.Pair> pairs) {
        Lexicon lexicon = Lexicon.get();
        List<NearMiss> out = new ArrayList<>();
        int q = 0;
        for (SemanticEvaluationTest.Pair pair : pairs) {
            if (!pair.same()) {
                continue;
            }
            String a = pair.a();
            String b = pair.b();
            List<String> words = PromptDifferences.contentWords(b, SemanticEvaluationTest.CONTEXT);
            if (words.isEmpty()) {
                continue;
            }
            String last = words.get(words.size() - 1);
            // antonym: the first content word that has one
            for (String w : words) {
                String antonym = lexicon.antonymsOf(w).stream().filter(x -> x.matches("[a-z]+")).sorted().findFirst()
                        .orElse(null);
                if (antonym != null) {
                    add(out, "antonym", a, replace(b, w, antonym), b);
                    break;
                }
            }
            // sibling: the first content word (noun, else adjective) that has a sibling
            sibling: for (POS pos : List.of(POS.NOUN, POS.ADJECTIVE, POS.ADVERB)) {
                for (String w : words) {
                    List<String> siblings = siblings(lexicon, w, pos, 1);
                    if (!siblings.isEmpty()) {
                        add(out, "sibling", a, replace(b, w, siblings.get(0)), b);
                        break sibling;
                    }
                }
            }
            add(out, "quantity", a, replace(b, last, QUANTITIES.get(q++ % QUANTITIES.size()) + " " + last), b);
            List<String> objects = siblings(lexicon, last, POS.NOUN, 1);
            if (!objects.isEmpty()) {
                add(out, "extra-object", a, replace(b, last, "the " + objects.get(0) + " of the " + last), b);
            }
            java.util.regex.Matcher object = OBJECT.matcher(b);
            if (object.find()
                    && THING_CATEGORIES.contains(category(lexicon, object.group(2).toLowerCase(Locale.ROOT), POS.NOUN))) {
                add(out, "removed-object", a, b.substring(0, object.start()) + b.substring(object.end()), b);
            }
        }
        return out;
    }

    private static void add(List<NearMiss> out, String kind, String a, String changed, String from) {
        String b = changed.replaceAll("\\s+", " ").strip();
        if (!b.isEmpty() && !b.equals(from) && !b.toLowerCase(Locale.ROOT).equals(a.toLowerCase(Locale.ROOT))) {
            out.add(new NearMiss(kind, a, b, from));
        }
    }

    /** {@code text} with the first whole-word occurrence of {@code word} (any case) replaced. */
    private static String replace(String text, String word, String by) {
        return Pattern.compile("(?i)(?<![\\p{L}\\p{N}])" + Pattern.quote(word) + "(?![\\p{L}\\p{N}])").matcher(text)
                .replaceFirst(java.util.regex.Matcher.quoteReplacement(by));
    }

    /**
     * Words under the same hypernym as the first sense of {@code word} in {@code pos} that are not synonyms of
     * it, single words only, at most {@code limit}, in WordNet's order.
     */
    static List<String> siblings(Lexicon lexicon, String word, POS pos, int limit) {
        List<String> out = new ArrayList<>();
        try {
            IndexWord index = lexicon.dictionary().lookupIndexWord(pos, word);
            if (index == null || index.getSenses().isEmpty()) {
                return out;
            }
            Synset first = index.getSenses().get(0);
            for (Pointer up : first.getPointers(PointerType.HYPERNYM)) {
                for (Pointer down : up.getTargetSynset().getPointers(PointerType.HYPONYM)) {
                    Synset sibling = down.getTargetSynset();
                    if (sibling.equals(first)) {
                        continue;
                    }
                    for (Word w : sibling.getWords()) {
                        String lemma = w.getLemma().toLowerCase(Locale.ROOT);
                        if (lemma.matches("[a-z]+") && !lexicon.synonyms(lemma, word) && !lexicon.antonyms(lemma, word)
                                && !out.contains(lemma)) {
                            out.add(lemma);
                            if (out.size() >= limit) {
                                return out;
                            }
                        }
                    }
                }
            }
        } catch (JWNLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * WordNet's lexicographer category of the first sense of {@code word} in {@code pos} ("noun.artifact",
     * "noun.attribute", "noun.quantity", ...), or null when it is not one.
     */
    static String category(Lexicon lexicon, String word, POS pos) {
        try {
            IndexWord index = lexicon.dictionary().lookupIndexWord(pos, word);
            return index == null || index.getSenses().isEmpty() ? null : index.getSenses().get(0).getLexFileName();
        } catch (JWNLException e) {
            throw new IllegalStateException(e);
        }
    }

}
