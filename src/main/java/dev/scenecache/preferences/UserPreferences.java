package dev.scenecache.preferences;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A user's editor preferences: one JSON object (compact text) per user id. */
@Entity
@Table(name = "user_preferences")
public class UserPreferences extends PanacheEntityBase {

    @Id
    @Column(name = "user_id", length = 128)
    public String userId;

    @Column(nullable = false, columnDefinition = "text")
    public String preferences;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(nullable = false)
    public long version;
}
