package dev.scenecache.preferences;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A user's preferences as the API shows them; {@code preferences} is the stored JSON object. */
@RegisterForReflection
public record PreferencesView(String userId, @JsonRawValue String preferences, Instant updatedAt, long version) {

    static PreferencesView of(UserPreferences p) {
        return new PreferencesView(p.userId, p.preferences, p.updatedAt, p.version);
    }
}
