package dev.scenecache.ai;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.mutiny.Uni;

/**
 * The offline brain (the default without an API key): deterministic rules over the normalised prompt.
 *
 * <ul>
 * <li><b>Target</b>: "scene 2" / "scene #2" / "the 2nd scene" / "the second scene" (position in the
 * ordered list), "the first/last scene", a scene's name ("the Outro"), or "the &lt;type&gt; scene"
 * ("the chart scene", "the chart"). A single-scene project makes that scene the target of an edit without a name.
 * <li><b>Operation</b>: delete words (delete, remove, drop, get rid of) with a target; reorder words
 * (move, reorder, swap, rearrange, put … before/after/first/last); add words (add, create, insert,
 * append, new … scene); edit words (make, change, edit, update, set, rename, turn, color, fix, …) with
 * a target. Anything else, or a delete/edit whose scene cannot be told, is {@code clarify}.
 * </ul>
 */
public final class HeuristicBrain implements Brain {

    static final String MODEL = "heuristic-v1";

    private static final Pattern BY_NUMBER = Pattern.compile("\\bscene\\s*#?\\s*(\\d{1,4})\\b");
    private static final Pattern BY_ORDINAL_NUMBER = Pattern.compile("\\b(\\d{1,4})(?:st|nd|rd|th)\\s+scene\\b");
    private static final Pattern BY_TYPE = Pattern.compile("\\b([a-z0-9_-]{2,64})\\s+scene\\b");
    private static final Map<String, Integer> ORDINALS = Map.ofEntries(Map.entry("first", 1), Map.entry("second", 2),
            Map.entry("third", 3), Map.entry("fourth", 4), Map.entry("fifth", 5), Map.entry("sixth", 6),
            Map.entry("seventh", 7), Map.entry("eighth", 8), Map.entry("ninth", 9), Map.entry("tenth", 10));
    private static final Pattern DELETE = Pattern.compile("\\b(delete|remove|drop|get rid of|erase|discard)\\b");
    private static final Pattern REORDER = Pattern.compile(
            "\\b(move|reorder|swap|rearrange|shift)\\b|\\bput\\b.*\\b(before|after|first|last|end|start|beginning)\\b");
    private static final Pattern ADD = Pattern.compile(
            "\\b(add|create|insert|append|new)\\b.*\\bscene\\b|\\b(add|create|insert|append)\\b\\s+(an?|another)\\b");
    private static final Pattern EDIT = Pattern.compile("\\b(make|change|edit|update|set|rename|turn|colou?r|recolou?r|"
            + "fix|adjust|modify|tweak|replace|speed up|slow down|shorten|lengthen|increase|decrease|animate|"
            + "bigger|smaller|bolder|brighter|darker)\\b");

    /** The provider name of this brain: offline and free, never spend-limited. */
    public static final String PROVIDER = "heuristic";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public Uni<BrainAnswer> decide(String prompt, ProjectContext context) {
        return Uni.createFrom().item(() -> decideNow(prompt, context));
    }

    /** The decision, computed at once (also the "model" of the decision benchmark's stub provider). */
    public BrainAnswer decideNow(String prompt, ProjectContext context) {
        String text = DecisionKey.normalise(prompt);
        ProjectContext.SceneRef target = target(text, context.scenes());
        if (DELETE.matcher(text).find()) {
            return target != null
                    ? answer(Operation.deleteScene, target, "the prompt asks to delete " + describe(target, context))
                    : clarify("which scene should be deleted?");
        }
        if (REORDER.matcher(text).find()) {
            return answer(Operation.reorderScenes, target, target != null
                    ? "the prompt asks to move " + describe(target, context)
                    : "the prompt asks to reorder the scenes");
        }
        if (ADD.matcher(text).find()) {
            return answer(Operation.addScene, null, "the prompt asks for a new scene");
        }
        if (EDIT.matcher(text).find()) {
            if (target == null && context.scenes().size() == 1) {
                target = context.scenes().get(0);
            }
            return target != null
                    ? answer(Operation.editScene, target, "the prompt asks to change " + describe(target, context))
                    : clarify("which scene should be changed?");
        }
        return clarify("what should change in the video?");
    }

    private static ProjectContext.SceneRef target(String text, List<ProjectContext.SceneRef> scenes) {
        if (scenes.isEmpty()) {
            return null;
        }
        Matcher number = BY_NUMBER.matcher(text);
        if (number.find()) {
            return at(scenes, Integer.parseInt(number.group(1)));
        }
        Matcher ordinalNumber = BY_ORDINAL_NUMBER.matcher(text);
        if (ordinalNumber.find()) {
            return at(scenes, Integer.parseInt(ordinalNumber.group(1)));
        }
        if (Pattern.compile("\\b(last|final)\\s+scene\\b").matcher(text).find()) {
            return scenes.get(scenes.size() - 1);
        }
        for (Map.Entry<String, Integer> ordinal : ORDINALS.entrySet()) {
            if (Pattern.compile("\\b" + ordinal.getKey() + "\\s+scene\\b").matcher(text).find()) {
                return at(scenes, ordinal.getValue());
            }
        }
        ProjectContext.SceneRef byName = null;
        for (ProjectContext.SceneRef scene : scenes) {
            String name = scene.name().toLowerCase(Locale.ROOT).strip();
            if (name.length() >= 3 && Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(text).find()
                    && (byName == null || name.length() > byName.name().length())) {
                byName = scene;
            }
        }
        if (byName != null) {
            return byName;
        }
        for (ProjectContext.SceneRef scene : scenes) {
            if (Pattern.compile("\\bthe\\s+" + Pattern.quote(scene.type()) + "\\b").matcher(text).find()) {
                return scene;
            }
        }
        Matcher type = BY_TYPE.matcher(text);
        while (type.find()) {
            String word = type.group(1);
            for (ProjectContext.SceneRef scene : scenes) {
                if (scene.type().equals(word) || scene.name().toLowerCase(Locale.ROOT).contains(word)) {
                    return scene;
                }
            }
        }
        return null;
    }

    private static ProjectContext.SceneRef at(List<ProjectContext.SceneRef> scenes, int position) {
        return position >= 1 && position <= scenes.size() ? scenes.get(position - 1) : null;
    }

    private static String describe(ProjectContext.SceneRef scene, ProjectContext context) {
        return "scene " + (context.scenes().indexOf(scene) + 1) + " ('" + scene.name() + "')";
    }

    private static BrainAnswer answer(Operation operation, ProjectContext.SceneRef target, String reasoning) {
        return new BrainAnswer(operation, target == null ? null : target.id(), target == null ? null : target.name(),
                target == null ? null : target.type(), operation.name(), reasoning, MODEL, 0);
    }

    private static BrainAnswer clarify(String question) {
        return new BrainAnswer(Operation.clarify, null, null, null, Operation.clarify.name(), question, MODEL, 0);
    }
}
