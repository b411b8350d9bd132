package dev.scenecache.ai.semantic;

import java.util.function.Function;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * The embedding model on ONNX Runtime, and WordNet with it: the only class that names the semantic tier's libraries.
 * {@link Embedder} creates it by name, on a semantic worker, so that nothing else in the service refers to those
 * libraries: the native build leaves them out (pom.xml's native profile) and never reaches this class.
 */
final class OnnxEmbeddings implements Function<String, float[]> {

    private final EmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();

    OnnxEmbeddings() {
        Lexicon.get(); // loaded with the model, on this worker: the first lookup uses both
    }

    /** The model's embedding of {@code text}, as it computed it (not normalised). */
    @Override
    public float[] apply(String text) {
        return model.embed(text).content().vector();
    }
}
