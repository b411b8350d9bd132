package dev.scenecache.ai.semantic;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The words {@link PromptGuards} reads, by guard: negations, numbers and ordinals with their units,
 * operations, things a scene is made of, colours and directions, and the filler it ignores when it compares
 * free text. Each table folds synonyms to one canonical form and keeps antonyms apart.
 */
final class PromptVocabulary {

    private PromptVocabulary() {
    }

    static final Pattern QUOTED = Pattern.compile(
            "\"([^\"]{1,300})\"|“([^”]{1,300})”|«([^»]{1,300})»|‘([^’]{1,300})’|(?<![\\p{L}\\p{N}])'([^']{1,300})'(?![\\p{L}\\p{N}])");
    static final Pattern NOT_CONTRACTION = Pattern.compile("(\\p{L})n['’]t\\b");
    static final Pattern TOKEN = Pattern.compile(
            "#[0-9a-f]{3,8}\\b|rgba?\\([^)]{1,40}\\)|\\d+(?:\\.\\d+)?(?:st|nd|rd|th)?|[\\p{L}]+|%");

    static final Set<String> NEGATIONS = Set.of("not", "no", "never", "without", "none",
            "nothing", "nor", "neither", "cannot", "avoid", "except", "excluding", "nobody", "nowhere", "dont", "doesnt",
            "didnt", "isnt", "arent", "wont", "shouldnt", "cant");

    static final Map<String, Integer> NUMBER_WORDS = Map.ofEntries(Map.entry("zero", 0), Map.entry("two", 2),
            Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5), Map.entry("six", 6), Map.entry("seven", 7),
            Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10), Map.entry("eleven", 11),
            Map.entry("twelve", 12), Map.entry("thirteen", 13), Map.entry("fourteen", 14), Map.entry("fifteen", 15),
            Map.entry("sixteen", 16), Map.entry("seventeen", 17), Map.entry("eighteen", 18), Map.entry("nineteen", 19),
            Map.entry("twenty", 20), Map.entry("thirty", 30), Map.entry("forty", 40), Map.entry("fifty", 50),
            Map.entry("sixty", 60), Map.entry("seventy", 70), Map.entry("eighty", 80), Map.entry("ninety", 90),
            Map.entry("hundred", 100), Map.entry("thousand", 1000), Map.entry("half", -2), Map.entry("twice", -3),
            Map.entry("double", -3), Map.entry("triple", -4));
    static final Map<String, Integer> ORDINALS = Map.ofEntries(Map.entry("first", 1), Map.entry("second", 2),
            Map.entry("third", 3), Map.entry("fourth", 4), Map.entry("fifth", 5), Map.entry("sixth", 6),
            Map.entry("seventh", 7), Map.entry("eighth", 8), Map.entry("ninth", 9), Map.entry("tenth", 10));
    /** Units after a number, folded: "2 seconds" and "2s" are both "2s". */
    static final Map<String, String> UNITS = Map.ofEntries(Map.entry("s", "s"), Map.entry("sec", "s"),
            Map.entry("secs", "s"), Map.entry("second", "s"), Map.entry("seconds", "s"), Map.entry("ms", "ms"),
            Map.entry("millisecond", "ms"), Map.entry("milliseconds", "ms"), Map.entry("px", "px"),
            Map.entry("pixel", "px"), Map.entry("pixels", "px"), Map.entry("%", "%"), Map.entry("percent", "%"),
            Map.entry("x", "x"), Map.entry("times", "x"), Map.entry("frame", "f"), Map.entry("frames", "f"),
            Map.entry("fps", "fps"), Map.entry("deg", "deg"), Map.entry("degrees", "deg"), Map.entry("pt", "pt"),
            Map.entry("em", "em"), Map.entry("rem", "rem"), Map.entry("min", "min"), Map.entry("minute", "min"),
            Map.entry("minutes", "min"));

    static final Map<String, String> OPERATIONS = Map.ofEntries(Map.entry("add", "add"),
            Map.entry("create", "add"), Map.entry("insert", "add"), Map.entry("append", "add"), Map.entry("new", "add"),
            Map.entry("another", "add"), Map.entry("delete", "delete"), Map.entry("remove", "delete"),
            Map.entry("drop", "delete"), Map.entry("erase", "delete"), Map.entry("discard", "delete"),
            Map.entry("trash", "delete"), Map.entry("rid", "delete"), Map.entry("move", "reorder"),
            Map.entry("reorder", "reorder"), Map.entry("swap", "reorder"), Map.entry("rearrange", "reorder"),
            Map.entry("shift", "reorder"), Map.entry("switch", "reorder"),
            Map.entry("duplicate", "duplicate"), Map.entry("copy", "duplicate"), Map.entry("clone", "duplicate"),
            Map.entry("rename", "rename"), Map.entry("retitle", "rename"));
    static final Set<String> EDITS = Set.of("make", "change", "edit", "update", "set", "turn",
            "color", "recolor", "fix", "adjust", "modify", "tweak", "replace", "speed", "slow", "shorten", "lengthen",
            "increase", "decrease", "animate", "use", "apply", "give", "paint", "resize", "center", "align", "fade",
            "zoom", "highlight", "bold", "style", "restyle", "swap", "boost", "reduce", "enlarge", "shrink");

    /** The things a scene is made of, synonyms folded. */
    static final Map<String, String> THINGS = Map.ofEntries(Map.entry("title", "title"),
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

    static final Map<String, String> COLOURS = Map.ofEntries(Map.entry("red", "red"), Map.entry("blue", "blue"),
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
    static final Map<String, String> DIRECTIONS = Map.ofEntries(Map.entry("before", "before"),
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
    static final Pattern PUT_POSITION = Pattern
            .compile("\\bput\\b.*\\b(before|after|first|last|end|start|beginning)\\b");
    /** Words after which "in"/"out" and "on"/"off" say which way. */
    static final Set<String> PHRASAL = Set.of("fade", "fades", "fading", "zoom", "zooms",
            "zooming", "slide", "slides", "sliding", "ease", "pan", "turn", "switch", "scale", "scroll", "fly", "flies",
            "pop", "pops", "spin", "zoomed", "faded");

    static final Pattern FREE_TEXT = Pattern
            .compile("\\b(say|says|saying|read|reads|reading|called|named|titled|to|as)\\b");
    static final Set<String> FILLER = Set.of("the", "a", "an", "of", "and", "it", "its", "this",
            "that", "these", "those", "please", "scene", "scenes", "slide", "slides", "one", "ones", "them", "now", "instead",
            "for", "me", "us", "our", "my", "your", "be", "is", "are", "in", "on", "at", "by", "with", "so", "too", "very",
            "bit", "little", "lot", "much", "just", "also", "again", "then", "there", "here", "all", "every", "each",
            "thanks", "thank", "you", "can", "could", "would", "will", "should", "do", "does", "make", "get", "go", "have",
            "has", "i", "we", "want", "like", "need", "some", "into", "onto", "from", "up", "same", "rather", "than", "but",
            "if", "when", "what", "which", "way", "more", "less", "text", "title", "name", "label", "say", "read", "mode",
            "style", "look", "looks", "feel", "version", "position", "place", "spot", "something", "kind", "sort", "quite",
            "really", "pretty", "stuff", "thing", "things", "new", "color", "colour", "shade", "tone", "hue");
    /** Every word another guard reads. */
    static final Set<String> KNOWN;
    static {
        Set<String> known = new HashSet<>();
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
        KNOWN = Set.copyOf(known);
    }
}
