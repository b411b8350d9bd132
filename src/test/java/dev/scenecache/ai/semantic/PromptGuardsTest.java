package dev.scenecache.ai.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.scenecache.ai.ProjectContext;

/** One test per guard kind: pairs that must never share a decision, and paraphrases the guards let through. */
class PromptGuardsTest {

    private static final ProjectContext CONTEXT = new ProjectContext("marketing", List.of(
            new ProjectContext.SceneRef(UUID.fromString("00000000-0000-0000-0000-000000000001"), "Welcome", "intro", 0),
            new ProjectContext.SceneRef(UUID.fromString("00000000-0000-0000-0000-000000000002"), "Revenue chart", "chart", 1),
            new ProjectContext.SceneRef(UUID.fromString("00000000-0000-0000-0000-000000000003"), "Goodbye", "outro", 2)));

    private static String difference(String a, String b) {
        return PromptGuards.of(a, CONTEXT).differenceFrom(PromptGuards.of(b, CONTEXT));
    }

    @Test
    void shouldTellANegationApart() {
        assertThat(difference("make scene 2 blue", "don't make scene 2 blue")).isEqualTo("negation");
        assertThat(difference("add a title scene", "add a scene without a title")).isEqualTo("negation");
        assertThat(difference("animate the logo", "never animate the logo")).isEqualTo("negation");
        assertThat(difference("the chart should animate", "the chart shouldn't animate")).isEqualTo("negation");
    }

    @Test
    void shouldTellNumbersAndOrdinalsApartButFoldTheirSpellings() {
        assertThat(difference("make scene 2 blue", "make scene 3 blue")).isEqualTo("numbers");
        assertThat(difference("make the second scene blue", "make the third scene blue")).isEqualTo("numbers");
        assertThat(difference("make the fade 2 seconds", "make the fade 2 frames")).isEqualTo("numbers");
        assertThat(difference("move scene 2 before scene 4", "move scene 4 before scene 2")).isEqualTo("numbers");
        assertThat(difference("delete the last scene", "delete the second to last scene")).isEqualTo("numbers");
        assertThat(difference("make scene 2 blue", "make the second scene blue")).isNull();
        assertThat(difference("make scene 2 blue", "turn the 2nd scene blue")).isNull();
        assertThat(difference("make the fade two seconds", "make the fade 2s")).isNull();
        assertThat(difference("set the opacity to 50%", "set the opacity to 50 percent")).isNull();
    }

    @Test
    void shouldTellTheOperationApart() {
        assertThat(difference("add a chart scene", "delete the chart scene")).isEqualTo("operation");
        assertThat(difference("add a scene after scene 2", "move scene 2 after the intro")).isEqualTo("operation");
        assertThat(difference("edit scene 2", "delete scene 2")).isEqualTo("operation");
        assertThat(difference("duplicate scene 2", "delete scene 2")).isEqualTo("operation");
        assertThat(difference("move scene 2 to the end", "copy scene 2 to the end")).isEqualTo("operation");
        assertThat(difference("remove scene 2", "get rid of scene 2")).isNull();
        assertThat(difference("make scene 2 blue", "change scene 2 to blue")).isNull();
        assertThat(difference("create a new title scene", "add a title scene")).isNull();
    }

    @Test
    void shouldTellTheNamedSceneTypeAndThingApart() {
        assertThat(difference("make the welcome scene blue", "make the goodbye scene blue")).isEqualTo("named");
        assertThat(difference("make the revenue chart blue", "make the welcome blue")).isEqualTo("named");
        assertThat(difference("make the title blue", "make the background blue")).isEqualTo("named");
        assertThat(difference("change the font of the intro", "change the music of the intro")).isEqualTo("named");
        assertThat(difference("make the photo bigger", "make the picture bigger")).isNull();
        assertThat(difference("make the heading red", "turn the title red")).isNull();
    }

    @Test
    void shouldTellQuotedAndRequestedTextApart() {
        assertThat(difference("set the title to \"Hello\"", "set the title to \"Goodbye\"")).isEqualTo("quoted");
        assertThat(difference("set the title to \"Hello\"", "set the title to \"HELLO\"")).isEqualTo("quoted");
        assertThat(difference("rename scene 2 to Thanks", "rename scene 2 to Cheers")).isEqualTo("quoted");
        assertThat(difference("make the title say welcome aboard", "make the title say welcome back")).isEqualTo("quoted");
        assertThat(difference("set the title to \"Hello\"", "change the title to 'Hello'")).isNull();
        assertThat(difference("rename scene 2 to Thanks", "call scene 2 Thanks")).isEqualTo("operation"); // no trigger word: refused, safe
    }

    @Test
    void shouldTellColoursAndDirectionsApart() {
        assertThat(difference("make scene 2 blue", "make scene 2 red")).isEqualTo("values");
        assertThat(difference("replace red with blue in scene 2", "replace blue with red in scene 2")).isEqualTo("values");
        assertThat(difference("make the logo bigger", "make the logo smaller")).isEqualTo("values");
        assertThat(difference("fade in the title", "fade out the title")).isEqualTo("values");
        assertThat(difference("align the logo left", "align the logo right")).isEqualTo("values");
        assertThat(difference("make the background #ff0000", "make the background #00ff00")).isEqualTo("values");
        assertThat(difference("make the background light blue", "make the background blue")).isEqualTo("values");
        assertThat(difference("make the background grey", "make the background gray")).isNull();
        assertThat(difference("make the logo larger", "make the logo bigger")).isNull();
    }

    @Test
    void shouldLetAParaphraseWithTheSameFactsThrough() {
        assertThat(difference("Make scene 2 blue", "Could you please make scene 2 blue?")).isNull();
        assertThat(difference("delete the outro", "remove the outro scene")).isNull();
        assertThat(difference("speed up the revenue chart", "make the revenue chart faster")).isNull();
    }
}
