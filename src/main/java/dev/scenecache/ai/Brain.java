package dev.scenecache.ai;

import io.smallrye.mutiny.Uni;

/** Turns a prompt about a project into a decision. Implementations: {@code heuristic}, {@code openai}. */
public interface Brain {

    /** The provider's name, part of the decision cache key. */
    String provider();

    /** The model's name, part of the decision cache key and of every decision. */
    String model();

    /** Fails with {@link UpstreamException} when an upstream brain fails; never answers for another project. */
    Uni<BrainAnswer> decide(String prompt, ProjectContext context);
}
