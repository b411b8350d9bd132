package dev.scenecache.preferences;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scenecache.cache.CacheGroup;
import dev.scenecache.cache.CacheInvalidator;
import dev.scenecache.cache.CacheInvalidator.CacheWrite;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.CacheRead;
import dev.scenecache.cache.JsonDocument;
import dev.scenecache.common.DatabaseFailures;
import dev.scenecache.common.ETags;
import dev.scenecache.common.Limits;
import dev.scenecache.common.ProblemException;
import dev.scenecache.common.Timestamps;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/**
 * User preferences in PostgreSQL. A PUT creates or replaces; two concurrent first PUTs of one user race
 * on the primary key, and the loser is retried once as a replace.
 *
 * <p>
 * Cache: {@code preferences} holds each user's JSON (and a brief not-found); every PUT writes the
 * new JSON through after its commit.
 */
@ApplicationScoped
public class PreferencesService {

    private final ObjectMapper mapper;
    private final CacheInvalidator invalidator;

    public PreferencesService(ObjectMapper mapper, CacheInvalidator invalidator) {
        this.mapper = mapper;
        this.invalidator = invalidator;
    }

    static CacheKey preferencesKey(String userId) {
        return CacheKey.of(CacheNames.PREFERENCES, CacheNames.userGroup(userId));
    }

    /** The user's preferences JSON, read through the {@code preferences} cache. */
    @CacheRead(cache = CacheNames.PREFERENCES)
    @WithSession
    public Uni<JsonDocument> findPreferences(@CacheGroup(CacheNames.USER_GROUP) String userId) {
        return UserPreferences.<UserPreferences> findById(userId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Preferences of user", userId))
                .map(p -> encode(PreferencesView.of(p)));
    }

    private JsonDocument encode(PreferencesView view) {
        return JsonDocument.of(mapper, view, view.version());
    }

    public Uni<PreferencesView> putPreferences(String userId, ObjectNode preferences, String ifMatch) {
        String json = encode(preferences);
        CacheWrite cache = invalidator.begin(CacheNames.userGroup(userId));
        return Panache.withTransaction(() -> cache.beforeCommit(upsert(userId, json, ifMatch)))
                .onFailure(DatabaseFailures::isUniqueViolation).retry().atMost(1)
                .call(view -> cache.put(preferencesKey(userId), encode(view)).apply());
    }

    private Uni<PreferencesView> upsert(String userId, String json, String ifMatch) {
        return UserPreferences.<UserPreferences> findById(userId, LockModeType.PESSIMISTIC_WRITE).flatMap(existing -> {
            if (existing == null) {
                if (ifMatch != null) {
                    throw ProblemException.preconditionFailed("Preferences of user [" + userId + "] do not exist yet");
                }
                UserPreferences created = new UserPreferences();
                created.userId = userId;
                created.preferences = json;
                created.updatedAt = Timestamps.now();
                created.version = 1;
                return created.persistAndFlush().replaceWith(() -> PreferencesView.of(created));
            }
            if (!ETags.matches(ifMatch, existing.version)) {
                throw ProblemException.preconditionFailed("Preferences of user [" + userId + "] are at version "
                        + existing.version + ", not " + ifMatch);
            }
            if (!existing.preferences.equals(json)) {
                existing.preferences = json;
                var now = Timestamps.now();
                existing.updatedAt = now.isAfter(existing.updatedAt) ? now : existing.updatedAt;
                existing.version++;
            }
            return Uni.createFrom().item(PreferencesView.of(existing));
        });
    }

    private String encode(ObjectNode preferences) {
        try {
            String json = mapper.writeValueAsString(preferences);
            if (Limits.utf8Length(json) > Limits.PREFERENCES_MAX_BYTES) {
                throw ProblemException.invalid("preferences",
                        "must be at most " + Limits.PREFERENCES_MAX_BYTES + " bytes serialized");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw ProblemException.invalid("preferences", "cannot be serialized");
        }
    }
}
