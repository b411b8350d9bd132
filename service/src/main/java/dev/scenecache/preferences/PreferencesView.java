package dev.scenecache.preferences;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** A user's preferences as the API shows them; {@code preferences} is the stored JSON object. */
@RegisterForReflection
public record PreferencesView(String userId, @JsonRawValue String preferences, Instant updatedAt, long version) {

    static PreferencesView of(UserPreferences p) {
        return new PreferencesView(p.userId, p.preferences, p.updatedAt, p.version);
    }
}
