package dev.scenecache.ai.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    private static final Pattern QUOTED = Pattern.compile(
            "\"([^\"]{1,300})\"|“([^”]{1,300})”|«([^»]{1,300})»|‘([^’]{1,300})’|(?<![\\p{L}\\p{N}])'([^']{1,300})'(?![\\p{L}\\p{N}])");
    private static final Pattern NOT_CONTRACTION = Pattern.compile("(\\p{L})n['’]t\\b");
    private static final Pattern TOKEN = Pattern.compile(
            "#[0-9a-f]{3,8}\\b|rgba?\\([^)]{1,40}\\)|\\d+(?:\\.\\d+)?(?:st|nd|rd|th)?|[\\p{L}]+|%");

    private static final java.util.Set<String> NEGATIONS = java.util.Set.of("not", "no", "never", "without", "none",
            "nothing", "nor", "neither", "cannot", "avoid", "except", "excluding", "nobody", "nowhere", "dont", "doesnt",
            "didnt", "isnt", "arent", "wont", "shouldnt", "cant");

    private static final Map<String, Integer> NUMBER_WORDS = Map.ofEntries(Map.entry("zero", 0), Map.entry("two", 2),
            Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5), Map.entry("six", 6), Map.entry("seven", 7),
            Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10), Map.entry("eleven", 11),
            Map.entry("twelve", 12), Map.entry("thirteen", 13), Map.entry("fourteen", 14), Map.entry("fifteen", 15),
            Map.entry("sixteen", 16), Map.entry("seventeen", 17), Map.entry("eighteen", 18), Map.entry("nineteen", 19),
            Map.entry("twenty", 20), Map.entry("thirty", 30), Map.entry("forty", 40), Map.entry("fifty", 50),
            Map.entry("sixty", 60), Map.entry("seventy", 70), Map.entry("eighty", 80), Map.entry("ninety", 90),
            Map.entry("hundred", 100), Map.entry("thousand", 1000), Map.entry("half", -2), Map.entry("twice", -3),
            Map.entry("double", -3), Map.entry("triple", -4));
    private static final Map<String, Integer> ORDINALS = Map.ofEntries(Map.entry("first", 1), Map.entry("second", 2),
            Map.entry("third", 3), Map.entry("fourth", 4), Map.entry("fifth", 5), Map.entry("sixth", 6),
            Map.entry("seventh", 7), Map.entry("eighth", 8), Map.entry("ninth", 9), Map.entry("tenth", 10));
    /** Units after a number, folded: "2 seconds" and "2s" are both "2s". */
    private static final Map<String, String> UNITS = Map.ofEntries(Map.entry("s", "s"), Map.entry("sec", "s"),
            Map.entry("secs", "s"), Map.entry("second", "s"), Map.entry("seconds", "s"), Map.entry("ms", "ms"),
            Map.entry("millisecond", "ms"), Map.entry("milliseconds", "ms"), Map.entry("px", "px"),
            Map.entry("pixel", "px"), Map.entry("pixels", "px"), Map.entry("%", "%"), Map.entry("percent", "%"),
            Map.entry("x", "x"), Map.entry("times", "x"), Map.entry("frame", "f"), Map.entry("frames", "f"),
            Map.entry("fps", "fps"), Map.entry("deg", "deg"), Map.entry("degrees", "deg"), Map.entry("pt", "pt"),
            Map.entry("em", "em"), Map.entry("rem", "rem"), Map.entry("min", "min"), Map.entry("minute", "min"),
            Map.entry("minutes", "min"));

    private static final Map<String, String> OPERATIONS = Map.ofEntries(Map.entry("add", "add"),
            Map.entry("create", "add"), Map.entry("insert", "add"), Map.entry("append", "add"), Map.entry("new", "add"),
            Map.entry("another", "add"), Map.entry("delete", "delete"), Map.entry("remove", "delete"),
            Map.entry("drop", "delete"), Map.entry("erase", "delete"), Map.entry("discard", "delete"),
            Map.entry("trash", "delete"), Map.entry("rid", "delete"), Map.entry("move", "reorder"),
            Map.entry("reorder", "reorder"), Map.entry("swap", "reorder"), Map.entry("rearrange", "reorder"),
            Map.entry("shift", "reorder"), Map.entry("switch", "reorder"),
            Map.entry("duplicate", "duplicate"), Map.entry("copy", "duplicate"), Map.entry("clone", "duplicate"),
            Map.entry("rename", "rename"), Map.entry("retitle", "rename"));
    private static final java.util.Set<String> EDITS = java.util.Set.of("make", "change", "edit", "update", "set", "turn",
            "color", "recolor", "fix", "adjust", "modify", "tweak", "replace", "speed", "slow", "shorten", "lengthen",
            "increase", "decrease", "animate", "use", "apply", "give", "paint", "resize", "center", "align", "fade",
            "zoom", "highlight", "bold", "style", "restyle", "swap", "boost", "reduce", "enlarge", "shrink");

    /** The things a scene is made of, synonyms folded. */
    private static final Map<String, String> THINGS = Map.ofEntries(Map.entry("title", "title"),
            Map.entry("heading", "title"), Map.entry("headline", "title"), Map.entry("header", "title"),
            Map.entry("subtitle", "subtitle"), Map.entry("subheading", "subtitle"), Map.entry("subheader", "subtitle"),
            Map.entry("tagline", "subtitle"), Map.entry("caption", "caption"), Map.entry("captions", "caption"),
            Map.entry("background", "background"), Map.entry("backdrop", "background"), Map.entry("bg", "background"),
            Map.entry("logo", "logo"), Map.entry("font", "font"), Map.entry("fonts", "font"), Map.entry("typeface", "font"),
            Map.entry("text", "text"), Map.entry("wording", "text"), Map.entry("words", "text"),
            Map.entry("image", "image"), Map.entry("images", "image"), Map.entry("photo", "image"),
            Map.entry("picture", "image"), Map.entry("pic", "image"), Map.entry("music", "audio"), Map.entry("audio", "audio"),
            Map.entry("soundtrack", "audio"), Map.entry("song", "audio"), Map.entry("sound", "audio"),
            Map.entry("voiceover", "voiceover"), Map.entry("narration", "voiceover"), Map.entry("chart", "chart"),
            Map.entry("graph", "chart"), Map.entry("diagram", "chart"), Map.entry("transition", "transition"),
            Map.entry("transitions", "transition"), Map.entry("animation", "animation"), Map.entry("animations", "animation"),
            Map.entry("motion", "animation"), Map.entry("duration", "duration"), Map.entry("length", "duration"),
            Map.entry("speed", "speed"), Map.entry("pace", "speed"), Map.entry("tempo", "speed"),
            Map.entry("border", "border"), Map.entry("outline", "border"), Map.entry("shadow", "shadow"),
            Map.entry("button", "button"), Map.entry("cta", "button"), Map.entry("icon", "icon"), Map.entry("icons", "icon"),
            Map.entry("video", "video"), Map.entry("clip", "video"), Map.entry("footage", "video"), Map.entry("map", "map"),
            Map.entry("price", "price"), Map.entry("prices", "price"), Map.entry("pricing", "price"),
            Map.entry("quote", "quote"), Map.entry("testimonial", "quote"), Map.entry("numbers", "data"),
            Map.entry("data", "data"), Map.entry("figures", "data"), Map.entry("stats", "data"),
            Map.entry("intro", "intro"), Map.entry("opening", "intro"), Map.entry("outro", "outro"),
            Map.entry("ending", "outro"), Map.entry("credits", "credits"), Map.entry("team", "team"),
            Map.entry("roadmap", "roadmap"), Map.entry("timeline", "timeline"), Map.entry("countdown", "countdown"),
            Map.entry("gradient", "gradient"), Map.entry("opacity", "opacity"), Map.entry("transparency", "opacity"),
            Map.entry("layout", "layout"), Map.entry("overlay", "overlay"),
            Map.entry("particles", "particles"), Map.entry("confetti", "confetti"), Map.entry("line", "line"),
            Map.entry("lines", "line"), Map.entry("bar", "bar"), Map.entry("bars", "bar"), Map.entry("label", "label"),
            Map.entry("labels", "label"), Map.entry("legend", "legend"), Map.entry("axis", "axis"));

    private static final Map<String, String> COLOURS = Map.ofEntries(Map.entry("red", "red"), Map.entry("blue", "blue"),
            Map.entry("green", "green"), Map.entry("yellow", "yellow"), Map.entry("orange", "orange"),
            Map.entry("purple", "purple"), Map.entry("violet", "purple"), Map.entry("pink", "pink"),
            Map.entry("black", "black"), Map.entry("white", "white"), Map.entry("gray", "gray"), Map.entry("grey", "gray"),
            Map.entry("brown", "brown"), Map.entry("cyan", "cyan"), Map.entry("teal", "teal"),
            Map.entry("turquoise", "turquoise"), Map.entry("magenta", "magenta"), Map.entry("navy", "navy"),
            Map.entry("gold", "gold"), Map.entry("golden", "gold"), Map.entry("silver", "silver"),
            Map.entry("beige", "beige"), Map.entry("maroon", "maroon"), Map.entry("lime", "lime"),
            Map.entry("indigo", "indigo"), Map.entry("crimson", "crimson"), Map.entry("coral", "coral"),
            Map.entry("salmon", "salmon"), Map.entry("olive", "olive"), Map.entry("lavender", "lavender"),
            Map.entry("mint", "mint"), Map.entry("cream", "cream"), Map.entry("ivory", "ivory"));
    /** Which way: each word to its canonical form (antonyms stay different). */
    private static final Map<String, String> DIRECTIONS = Map.ofEntries(Map.entry("before", "before"),
            Map.entry("after", "after"), Map.entry("above", "above"), Map.entry("below", "below"),
            Map.entry("under", "below"), Map.entry("left", "left"), Map.entry("right", "right"), Map.entry("top", "top"),
            Map.entry("bottom", "bottom"), Map.entry("up", "up"), Map.entry("down", "down"), Map.entry("start", "start"),
            Map.entry("beginning", "start"), Map.entry("end", "end"), Map.entry("bigger", "bigger"),
            Map.entry("larger", "bigger"), Map.entry("enlarge", "bigger"), Map.entry("smaller", "smaller"),
            Map.entry("shrink", "smaller"), Map.entry("faster", "faster"), Map.entry("quicker", "faster"),
            Map.entry("slower", "slower"), Map.entry("longer", "longer"), Map.entry("lengthen", "longer"),
            Map.entry("shorter", "shorter"), Map.entry("shorten", "shorter"), Map.entry("increase", "more"),
            Map.entry("more", "more"), Map.entry("boost", "more"), Map.entry("decrease", "less"), Map.entry("less", "less"),
            Map.entry("reduce", "less"), Map.entry("fewer", "less"), Map.entry("lighter", "lighter"),
            Map.entry("darker", "darker"), Map.entry("darken", "darker"), Map.entry("brighter", "brighter"),
            Map.entry("brighten", "brighter"), Map.entry("dimmer", "darker"), Map.entry("higher", "higher"),
            Map.entry("lower", "lower"), Map.entry("bold", "bold"), Map.entry("bolder", "bold"), Map.entry("italic", "italic"),
            Map.entry("underline", "underline"), Map.entry("show", "show"), Map.entry("display", "show"),
            Map.entry("visible", "show"),
            Map.entry("hide", "hide"), Map.entry("invisible", "hide"), Map.entry("hidden", "hide"),
            Map.entry("horizontal", "horizontal"), Map.entry("horizontally", "horizontal"), Map.entry("vertical", "vertical"),
            Map.entry("vertically", "vertical"), Map.entry("center", "center"),
            Map.entry("centre", "center"), Map.entry("middle", "center"), Map.entry("front", "front"),
            Map.entry("back", "back"), Map.entry("behind", "back"), Map.entry("forward", "forward"),
            Map.entry("backward", "backward"), Map.entry("backwards", "backward"), Map.entry("loop", "loop"),
            Map.entry("once", "once"), Map.entry("louder", "louder"), Map.entry("quieter", "quieter"),
            Map.entry("mute", "mute"), Map.entry("unmute", "unmute"), Map.entry("light", "light"),
            Map.entry("dark", "dark"), Map.entry("slow", "slower"), Map.entry("fast", "faster"), Map.entry("big", "bigger"),
            Map.entry("small", "smaller"), Map.entry("tiny", "smaller"), Map.entry("huge", "bigger"));
    /** "put" reorders scenes with a position word (as the heuristic brain reads it); else it adds. */
    private static final Pattern PUT_POSITION = Pattern
            .compile("\\bput\\b.*\\b(before|after|first|last|end|start|beginning)\\b");
    /** Words after which "in"/"out" and "on"/"off" say which way. */
    private static final java.util.Set<String> PHRASAL = java.util.Set.of("fade", "fades", "fading", "zoom", "zooms",
            "zooming", "slide", "slides", "sliding", "ease", "pan", "turn", "switch", "scale", "scroll", "fly", "flies",
            "pop", "pops", "spin", "zoomed", "faded");

    /** The signature of {@code prompt}, for a project in {@code context} (its scenes' names and types). */
    public static Signature of(String prompt, ProjectContext context) {
        // Quoted text as written (its case is what the user asks for); the rest normalised as the key is.
        String original = java.text.Normalizer.normalize(prompt, java.text.Normalizer.Form.NFKC);
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
        // As DecisionKey.normalise, but a trailing "%" or "!" is kept: "50%" is a value.
        String text = rest.toString().toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
        text = NOT_CONTRACTION.matcher(text).replaceAll("$1 not");
        text = text.replace("get rid of", "rid").replace("second to last", "penultimate")
                .replace("second-to-last", "penultimate").replace("second last", "penultimate")
                .replace("next to last", "penultimate").replace("next-to-last", "penultimate")
                .replace("speed up", "make faster").replace("slow down", "make slower");
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
     * The words a user asks to be written, unquoted: what follows "say", "read", "called", "named",
     * "titled", "to" or "as", less the words the other guards know and filler. "Rename the outro to
     * Thanks" and "... to Goodbye" differ here; "change the background to blue" leaves nothing (blue is a
     * guarded colour).
     */
    static java.util.Optional<String> freeText(String text) {
        Matcher m = FREE_TEXT.matcher(text);
        String tail = null;
        while (m.find()) {
            tail = text.substring(m.end());
        }
        if (tail == null) {
            return java.util.Optional.empty();
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
        return words.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of("text:" + String.join(" ", words));
    }

    private static final Pattern FREE_TEXT = Pattern
            .compile("\\b(say|says|saying|read|reads|reading|called|named|titled|to|as)\\b");
    private static final java.util.Set<String> FILLER = java.util.Set.of("the", "a", "an", "of", "and", "it", "its", "this",
            "that", "these", "those", "please", "scene", "scenes", "slide", "slides", "one", "ones", "them", "now", "instead",
            "for", "me", "us", "our", "my", "your", "be", "is", "are", "in", "on", "at", "by", "with", "so", "too", "very",
            "bit", "little", "lot", "much", "just", "also", "again", "then", "there", "here", "all", "every", "each",
            "thanks", "thank", "you", "can", "could", "would", "will", "should", "do", "does", "make", "get", "go", "have",
            "has", "i", "we", "want", "like", "need", "some", "into", "onto", "from", "up", "same", "rather", "than", "but",
            "if", "when", "what", "which", "way", "more", "less", "text", "title", "name", "label", "say", "read", "mode",
            "style", "look", "looks", "feel", "version", "position", "place", "spot", "something", "kind", "sort", "quite",
            "really", "pretty", "stuff", "thing", "things", "new", "color", "colour", "shade", "tone", "hue");
    /** Every word another guard reads. */
    private static final java.util.Set<String> KNOWN;
    static {
        java.util.Set<String> known = new java.util.HashSet<>();
        known.addAll(NEGATIONS);
        known.addAll(NUMBER_WORDS.keySet());
        known.addAll(ORDINALS.keySet());
        known.addAll(UNITS.keySet());
        known.addAll(OPERATIONS.keySet());
        known.addAll(EDITS);
        known.addAll(THINGS.keySet());
        known.addAll(COLOURS.keySet());
        known.addAll(DIRECTIONS.keySet());
        known.addAll(List.of("last", "final", "penultimate", "in", "out", "off", "rid", "not"));
        KNOWN = java.util.Set.copyOf(known);
    }

    /** Takes the project's scene names (longest first) out of {@code text} into {@code named}, and its types. */
    private static String names(String text, ProjectContext context, List<String> named) {
        List<ProjectContext.SceneRef> scenes = new ArrayList<>(context.scenes());
        scenes.sort((a, b) -> Integer.compare(b.name().length(), a.name().length()));
        // Names by position in the text, so that their order counts as the other guards' does.
        java.util.TreeMap<Integer, String> found = new java.util.TreeMap<>();
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
