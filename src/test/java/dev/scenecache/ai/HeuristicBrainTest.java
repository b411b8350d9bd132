package dev.scenecache.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The offline brain on a table of editor prompts: operation and target (1-based scene, 0 for none). */
class HeuristicBrainTest {

    static final ProjectContext CONTEXT = new ProjectContext("marketing", List.of(
            new ProjectContext.SceneRef(UUID.randomUUID(), "Title", "intro", 0),
            new ProjectContext.SceneRef(UUID.randomUUID(), "Revenue chart", "chart", 1),
            new ProjectContext.SceneRef(UUID.randomUUID(), "Team photo", "image", 2),
            new ProjectContext.SceneRef(UUID.randomUUID(), "Outro", "outro", 3)));

    @ParameterizedTest(name = "[{0}] -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            add a title scene                              | addScene      | 0
            Add a new scene with our logo                  | addScene      | 0
            create a scene showing the pricing             | addScene      | 0
            insert another scene at the end                | addScene      | 0
            please append a closing scene                  | addScene      | 0
            make scene 2 blue                              | editScene     | 2
            Make Scene #3 darker                           | editScene     | 3
            change the title scene's font to Inter         | editScene     | 1
            edit the last scene                            | editScene     | 4
            update the revenue chart with Q3 numbers       | editScene     | 2
            rename the outro to 'Thanks'                   | editScene     | 4
            turn the first scene red                       | editScene     | 1
            speed up the second scene                      | editScene     | 2
            set the 3rd scene duration to 5 seconds        | editScene     | 3
            fix the chart scene colors                     | editScene     | 2
            make the team photo bigger                     | editScene     | 3
            delete scene 3                                 | deleteScene   | 3
            remove the outro                               | deleteScene   | 4
            get rid of the last scene                      | deleteScene   | 4
            drop the title scene                           | deleteScene   | 1
            Delete the Revenue Chart!                      | deleteScene   | 2
            move scene 4 before scene 1                    | reorderScenes | 4
            swap the first and second scenes              | reorderScenes | 0
            reorder the scenes                             | reorderScenes | 0
            put the outro first                            | reorderScenes | 4
            move the chart to the end                      | reorderScenes | 2
            delete                                         | clarify       | 0
            make it pop                                    | clarify       | 0
            hello                                          | clarify       | 0
            what can you do?                               | clarify       | 0
            change scene 9                                 | clarify       | 0
            remove scene 12                                | clarify       | 0
            """)
    void shouldDecideLikeAnEditorExpects(String prompt, Operation operation, int target) {
        BrainAnswer answer = new HeuristicBrain().decideNow(prompt, CONTEXT);
        assertThat(answer.operation()).as(prompt).isEqualTo(operation);
        assertThat(answer.targetSceneId()).as(prompt)
                .isEqualTo(target == 0 ? null : CONTEXT.scenes().get(target - 1).id());
        assertThat(answer.model()).isEqualTo("heuristic-v1");
        assertThat(answer.reasoning()).isNotBlank();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Add a title scene|  add a TITLE scene.
            make scene 2 blue|Make   scene 2 BLUE!!
            ﬁx the chart|fix the chart
            """)
    void shouldNormaliseCaseSpacingUnicodeAndTrailingPunctuation(String a, String b) {
        assertThat(DecisionKey.normalise(a)).isEqualTo(DecisionKey.normalise(b));
        assertThat(DecisionKey.of(a, "p", "m", CONTEXT)).isEqualTo(DecisionKey.of(b, "p", "m", CONTEXT));
    }
}
