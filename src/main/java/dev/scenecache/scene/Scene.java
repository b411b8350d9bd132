package dev.scenecache.scene;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A scene of a project: TSX code with its props and length. {@code props} holds the JSON object as
 * compact text. {@code version} starts at 1 and grows with every change, under a row lock.
 */
@Entity
@Table(name = "scene")
public class Scene extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    @Column(nullable = false, length = 200)
    public String name;

    @Column(nullable = false, length = 64)
    public String type;

    @Column(name = "scene_order", nullable = false)
    public int sceneOrder;

    @Column(name = "tsx_code", nullable = false, columnDefinition = "text")
    public String tsxCode;

    @Column(nullable = false, columnDefinition = "text")
    public String props;

    @Column(name = "duration_frames", nullable = false)
    public int durationFrames;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(nullable = false)
    public long version;
}
