package dev.scenecache.ai.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The kinds of wrong match the issue found on pairs written elsewhere (its examples, not ours): each pair's
 * signatures may be equal, and the embedding puts them close, yet a difference no synonym explains (or an antonym)
 * must refuse the match; and paraphrases that differ only in synonyms, light verbs, politeness or an attribute named
 * by its value are still allowed.
 */
class PromptDifferencesTest {

    private static String unexplained(String a, String b) {
        return PromptDifferences.unexplained(a, b, SemanticEvaluationTest.CONTEXT);
    }

    @Test
    void shouldRefuseEveryKindOfDifferenceTheIssueFound() {
        List<List<String>> refused = List.of(
                List.of("play the chart sooner", "play the chart afterwards"),
                List.of("move the title to the top", "move the title to the bottom"),
                List.of("make the title bolder", "make the title lighter"),
                List.of("make the caption italic", "make the caption upright"),
                List.of("show the revenue daily", "show the revenue weekly"),
                List.of("make the logo bigger by a touch", "make the logo bigger by a great deal"),
                List.of("add several logos to the intro", "add a single logo to the intro"),
                List.of("keep the logo on the outro", "drop the logo on the outro"),
                List.of("move the logo of the intro after the outro", "move the intro after the outro"));
        for (List<String> pair : refused) {
            assertThat(unexplained(pair.get(0), pair.get(1))).as("%s / %s", pair.get(0), pair.get(1)).isNotNull();
            assertThat(unexplained(pair.get(1), pair.get(0))).as("%s / %s", pair.get(1), pair.get(0)).isNotNull();
        }
    }

    @Test
    void shouldRefuseAntonymsWhateverElseMatches() {
        assertThat(unexplained("make the background light", "make the background dark")).startsWith("antonyms");
        assertThat(unexplained("make the intro shorter", "make the intro longer")).isNotNull();
    }

    @Test
    void shouldAllowSynonymsLightVerbsPolitenessAndAnAttributeNamedByItsValue() {
        List<List<String>> allowed = List.of(
                List.of("make scene 2 blue", "turn the second scene blue"),
                List.of("make scene 2 blue", "could you please set scene 2 to blue"),
                List.of("change the colour of the title to red", "make the title red"),
                List.of("make the logo bigger", "make the logo larger"),
                List.of("remove the outro", "delete the outro"));
        for (List<String> pair : allowed) {
            assertThat(unexplained(pair.get(0), pair.get(1))).as("%s / %s", pair.get(0), pair.get(1)).isNull();
        }
    }
}
