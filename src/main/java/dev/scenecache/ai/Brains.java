package dev.scenecache.ai;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

/** Chooses the brain: {@code AI_PROVIDER}, or {@code openai} when {@code AI_API_KEY} is set, else {@code heuristic}. */
public class Brains {

    private static final Logger LOG = Logger.getLogger(Brains.class);

    @Produces
    @ApplicationScoped
    Brain brain(AiConfig config, OpenAiBrain openai) {
        String provider = config.provider().filter(p -> !p.isBlank())
                .orElse(config.apiKey().filter(k -> !k.isBlank()).isPresent() ? "openai" : "heuristic");
        Brain brain = switch (provider) {
            case "openai" -> openai;
            case "heuristic" -> new HeuristicBrain();
            default -> throw new IllegalStateException("AI_PROVIDER must be openai or heuristic, not [" + provider + "]");
        };
        LOG.infof("AI brain: %s (model %s)", brain.provider(), brain.model());
        return brain;
    }
}
