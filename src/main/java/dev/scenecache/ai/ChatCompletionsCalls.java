package dev.scenecache.ai;

import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.Retry;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;

/**
 * One Chat Completions call, retried by SmallRye Fault Tolerance on {@link Retryable} failures (429,
 * 5xx, connection trouble) with exponential backoff. Its own bean, so that the retry interceptor wraps
 * the calls {@link OpenAiBrain} makes.
 */
@ApplicationScoped
public class ChatCompletionsCalls {

    /** A failure worth another attempt: 429, 5xx, connection trouble. */
    public static final class Retryable extends RuntimeException {
        Retryable(String message) {
            super(message, null, false, false);
        }
    }

    private final AiConfig config;
    private volatile ChatCompletionsClient client;

    public ChatCompletionsCalls(AiConfig config) {
        this.config = config;
    }

    /** One call (with its retries); any other HTTP error is a 502 at once. */
    @Retry(maxRetries = 3, delay = 200, delayUnit = ChronoUnit.MILLIS, jitter = 100, maxDuration = 60, durationUnit = ChronoUnit.SECONDS, retryOn = Retryable.class)
    @ExponentialBackoff(factor = 2, maxDelay = 2, maxDelayUnit = ChronoUnit.SECONDS)
    public Uni<JsonNode> call(JsonNode request) {
        return client().complete("Bearer " + config.apiKey().orElse(""), request)
                .onFailure(WebApplicationException.class).transform(f -> {
                    int status = ((WebApplicationException) f).getResponse().getStatus();
                    return status == 429 || status >= 500
                            ? new Retryable("the provider answered HTTP " + status)
                            : UpstreamException.error("the provider answered HTTP " + status);
                })
                .onFailure(ProcessingException.class).transform(f -> new Retryable("cannot reach the provider: "
                        + (f.getCause() != null ? f.getCause().getMessage() : f.getMessage())));
    }

    private ChatCompletionsClient client() {
        if (client == null) {
            client = QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(config.baseUrl()))
                    .connectTimeout(5, TimeUnit.SECONDS).readTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .build(ChatCompletionsClient.class);
        }
        return client;
    }
}
