package dev.scenecache.ai.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class SemanticIndexTest {

    @Test
    void shouldDecodeWhatItEncodedWithTheSimilarityWithinQuantization() {
        float[] vector = new float[Embedder.DIMENSIONS];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) Math.sin(i + 1);
        }
        vector = Embedder.normalised(vector);
        PromptGuards.Signature signature = PromptGuards.of("make scene 2 blue", null);
        String hash = "a".repeat(64);
        byte[] record = SemanticIndex.encode(hash, signature, vector, "make scene 2 blue");
        assertThat(record).hasSize(SemanticIndex.RECORD);
        byte[] two = new byte[2 * SemanticIndex.RECORD];
        System.arraycopy(record, 0, two, 0, record.length);
        System.arraycopy(SemanticIndex.encode("b".repeat(64), signature, vector, "é".repeat(300)), 0, two, record.length,
                record.length);
        List<SemanticIndex.Entry> entries = SemanticIndex.decode(two);
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).decisionHash()).isEqualTo(hash);
        assertThat(entries.get(0).prompt()).isEqualTo("make scene 2 blue");
        assertThat(entries.get(0).signature()).isEqualTo(SemanticIndex.signatureHash(signature));
        assertThat(entries.get(0).similarity(vector)).isBetween(0.99, 1.01);
        // A long prompt is cut at a character boundary, within its 240 bytes.
        assertThat(entries.get(1).prompt()).isEqualTo("é".repeat(120));
        assertThat(entries.get(1).prompt().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(SemanticIndex.PROMPT);
    }
}
