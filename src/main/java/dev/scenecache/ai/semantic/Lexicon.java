package dev.scenecache.ai.semantic;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Pointer;
import net.sf.extjwnl.data.PointerType;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;

/**
 * What the semantic cache knows of English words: WordNet 3.1 (Princeton), read through extJWNL from the
 * classpath. Loaded once, on first use, on the thread that asks (the semantic worker, never the event loop);
 * answers are memoised per word (bounded).
 *
 * <ul>
 * <li><b>Lemmas</b>: a word's base forms in every part of speech ("bolder" is bold, "moved" is move), the word
 * itself included.</li>
 * <li><b>Synonyms</b>: two words share a synset among the first {@value #SENSES} senses of each (WordNet orders a
 * word's senses by frequency); rarer senses would make nearly any two verbs synonyms ("make" has 49).</li>
 * <li><b>Antonyms</b>: a lexical antonym of any sense of one word is a lemma of the other ("lighter": light, whose
 * antonyms are dark and heavy); for an adjective satellite, through its cluster's head ("huge", similar to large,
 * is opposed to small and its satellites).</li>
 * </ul>
 */
public final class Lexicon {

    /** A word's senses considered for synonymy, most frequent first. */
    static final int SENSES = 3;

    private static volatile Lexicon instance;

    private final Dictionary dictionary;
    private final Cache<String, Entry> entries = Caffeine.newBuilder().maximumSize(20_000).build();

    /** What is memoised of one word: its lemmas, the synsets of its frequent senses, the lemmas of its antonyms. */
    private record Entry(Set<String> lemmas, Set<Long> frequentSynsets, Set<String> antonyms) {
    }

    private Lexicon(Dictionary dictionary) {
        this.dictionary = dictionary;
    }

    /** The lexicon, loaded on the first call (about 40 MB of heap, 1 to 2 s). */
    public static Lexicon get() {
        Lexicon lexicon = instance;
        if (lexicon == null) {
            synchronized (Lexicon.class) {
                lexicon = instance;
                if (lexicon == null) {
                    try {
                        lexicon = new Lexicon(Dictionary.getDefaultResourceInstance());
                    } catch (JWNLException e) {
                        throw new IllegalStateException("WordNet could not be loaded", e);
                    }
                    instance = lexicon;
                }
            }
        }
        return lexicon;
    }

    /** The base forms of {@code word} in every part of speech WordNet knows it in, and the word itself. */
    public Set<String> lemmas(String word) {
        return entry(word).lemmas();
    }

    /** {@code a} and {@code b} share a synset among the frequent senses of each (or have a lemma in common). */
    public boolean synonyms(String a, String b) {
        Entry x = entry(a);
        Entry y = entry(b);
        if (!Collections.disjoint(x.lemmas(), y.lemmas())) {
            return true;
        }
        return !Collections.disjoint(x.frequentSynsets(), y.frequentSynsets());
    }

    /** One of the two is a WordNet antonym of the other (any sense). */
    public boolean antonyms(String a, String b) {
        Entry x = entry(a);
        Entry y = entry(b);
        return !Collections.disjoint(x.antonyms(), y.lemmas())
                || !Collections.disjoint(y.antonyms(), x.lemmas());
    }

    /** The lemmas of the antonyms of {@code word} (any sense). */
    public Set<String> antonymsOf(String word) {
        return entry(word).antonyms();
    }

    /** WordNet itself (for the tests that generate near-misses from it). */
    Dictionary dictionary() {
        return dictionary;
    }

    private Entry entry(String word) {
        return entries.get(word.toLowerCase(Locale.ROOT), this::load);
    }

    private Entry load(String word) {
        Set<String> lemmas = new LinkedHashSet<>();
        lemmas.add(word);
        Set<Long> frequent = new HashSet<>();
        Set<String> antonyms = new HashSet<>();
        try {
            for (POS pos : POS.getAllPOS()) {
                IndexWord index = dictionary.lookupIndexWord(pos, word);
                if (index == null) {
                    continue;
                }
                String lemma = index.getLemma().toLowerCase(Locale.ROOT);
                lemmas.add(lemma);
                List<Synset> senses = index.getSenses();
                for (int i = 0; i < senses.size(); i++) {
                    Synset sense = senses.get(i);
                    if (i < SENSES) {
                        frequent.add(pos.getId() * 100_000_000L + sense.getOffset());
                    }
                    antonyms.addAll(antonymsIn(sense, lemma));
                    if (pos == POS.ADJECTIVE) {
                        // A satellite's opposite is its cluster head's antonym, and that antonym's satellites.
                        for (Pointer similar : sense.getPointers(PointerType.SIMILAR_TO)) {
                            for (Word head : similar.getTargetSynset().getWords()) {
                                for (Pointer opposite : head.getPointers(PointerType.ANTONYM)) {
                                    Synset other = opposite.getTargetSynset();
                                    other.getWords().forEach(w -> antonyms.add(w.getLemma().toLowerCase(Locale.ROOT)));
                                    for (Pointer satellite : other.getPointers(PointerType.SIMILAR_TO)) {
                                        satellite.getTargetSynset().getWords()
                                                .forEach(w -> antonyms.add(w.getLemma().toLowerCase(Locale.ROOT)));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } catch (JWNLException e) {
            throw new IllegalStateException(e);
        }
        antonyms.removeAll(lemmas);
        return new Entry(Set.copyOf(lemmas), Set.copyOf(frequent), Set.copyOf(antonyms));
    }

    /** The antonyms of {@code lemma}'s word in {@code sense}, and of the sense itself. */
    private static Set<String> antonymsIn(Synset sense, String lemma) throws JWNLException {
        Set<String> out = new HashSet<>();
        for (Word w : sense.getWords()) {
            if (!w.getLemma().equalsIgnoreCase(lemma)) {
                continue;
            }
            for (Pointer p : w.getPointers(PointerType.ANTONYM)) {
                out.add(((Word) p.getTarget()).getLemma().toLowerCase(Locale.ROOT));
            }
        }
        for (Pointer p : sense.getPointers(PointerType.ANTONYM)) {
            p.getTargetSynset().getWords().forEach(w -> out.add(w.getLemma().toLowerCase(Locale.ROOT)));
        }
        return out;
    }
}
