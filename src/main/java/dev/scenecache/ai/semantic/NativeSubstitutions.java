package dev.scenecache.ai.semantic;

import java.util.function.Function;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

import dev.scenecache.ai.ProjectContext;

/**
 * The native executable is built without the semantic tier (it refuses to switch it on: {@link Embedder#available()})
 * and without its libraries: the native profile of pom.xml removes the embedding model, ONNX Runtime, DJL's tokenizer
 * and WordNet from the build ({@code quarkus.class-loading.removed-artifacts}). Two classes name them:
 * {@link OnnxEmbeddings}, which only {@code Embedder.load()} creates (by name), and {@link Lexicon}, which only
 * {@link OnnxEmbeddings} and {@link PromptDifferences#unexplained} ask for. The substitutes of those two methods here,
 * read only by the native image builder (the JVM never loads this class), fail as every other way into the tier does
 * there, so the image's analysis never meets a class that is not there. {@code NativeBuildIT} fails when any of those
 * libraries (or AWT, which DJL drew in) is back in the executable.
 */
final class NativeSubstitutions {

    private NativeSubstitutions() {
    }

    @TargetClass(Embedder.class)
    static final class Target_Embedder {

        @Substitute
        private static Function<String, float[]> load() {
            throw new IllegalStateException(Embedder.UNAVAILABLE);
        }
    }

    @TargetClass(PromptDifferences.class)
    static final class Target_PromptDifferences {

        @Substitute
        public static String unexplained(String a, String b, ProjectContext context) {
            throw new IllegalStateException(Embedder.UNAVAILABLE);
        }
    }
}
