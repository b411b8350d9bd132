package dev.scenecache.scene;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.common.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The two hot scene statements on the reactive client, each one round trip to PostgreSQL, without the
 * ORM session, persistence context and flush that Hibernate Reactive adds to every request (entities
 * still map the table and serve every other operation):
 * <ul>
 * <li>{@link #find}: a scene by id within its project (what a cache miss loads);</li>
 * <li>{@link #patch}: the common PATCH (the scene exists, its version matches any {@code If-Match}, a
 * value really changes) as one autocommitted {@code UPDATE ... RETURNING}, instead of the four round
 * trips of a transaction (begin, select for update, update, commit) that bound an editor's writes under
 * load. It keeps the locked path's rules: absent fields keep their value; the version grows by one and
 * {@code updated_at} moves forward only when a value changes; {@code If-Match} takes strong tags or
 * {@code *}. When it updates no row (unknown scene, another project's scene, a version that does not
 * match, nothing to change) it answers null, and {@link SceneService} takes the locked path, which tells
 * those cases apart (404, 412, 200 unchanged) under a row lock.</li>
 * </ul>
 */
@ApplicationScoped
public class SceneStatements {

    private static final String COLUMNS = "id, project_id, name, type, scene_order, tsx_code, props, duration_frames, "
            + "created_at, updated_at, version";

    private static final String FIND = "select " + COLUMNS + " from scene where id = $1 and project_id = $2";

    private static final String PATCH = """
            update scene s set
              name = coalesce($3, s.name),
              type = coalesce($4, s.type),
              scene_order = coalesce($5, s.scene_order),
              tsx_code = coalesce($6, s.tsx_code),
              props = coalesce($7, s.props),
              duration_frames = coalesce($8, s.duration_frames),
              updated_at = greatest($9, s.updated_at),
              version = s.version + 1
            where s.id = $1 and s.project_id = $2
              and ($10::bigint[] is null or s.version = any($10::bigint[]))
              and (coalesce($3, s.name), coalesce($4, s.type), coalesce($5, s.scene_order), coalesce($6, s.tsx_code),
                   coalesce($7, s.props), coalesce($8, s.duration_frames))
                  is distinct from (s.name, s.type, s.scene_order, s.tsx_code, s.props, s.duration_frames)
            returning s.id, s.project_id, s.name, s.type, s.scene_order, s.tsx_code, s.props, s.duration_frames,
                      s.created_at, s.updated_at, s.version
            """;

    /** A strong tag as {@link dev.scenecache.common.ETags#of} writes it: a version without sign or leading zero. */
    private static final Pattern OUR_TAG = Pattern.compile("\"(0|[1-9][0-9]{0,17})\"");

    private final Pool pool;

    SceneStatements(Pool pool) {
        this.pool = pool;
    }

    /** The scene, or null when the project has no such scene. */
    public Uni<SceneView> find(UUID projectId, UUID sceneId) {
        return pool.preparedQuery(FIND).execute(Tuple.of(sceneId, projectId))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
    }

    /** The scene after the patch, or null when the statement changed nothing (see the class comment). */
    Uni<SceneView> patch(UUID projectId, UUID sceneId, SceneRequests.PatchScene patch, String props, String ifMatch) {
        Tuple args = Tuple.tuple(new ArrayList<>(Arrays.asList(sceneId, projectId,
                patch.has("name") ? patch.name() : null,
                patch.has("type") ? patch.type() : null,
                patch.has("order") ? patch.order() : null,
                patch.has("tsxCode") ? patch.tsxCode() : null,
                props,
                patch.has("durationFrames") ? patch.durationFrames() : null,
                OffsetDateTime.ofInstant(Timestamps.now(), ZoneOffset.UTC),
                strongVersions(ifMatch))));
        return pool.preparedQuery(PATCH).execute(args)
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
    }

    /**
     * The versions an {@code If-Match} header accepts: null for any (absent, or {@code *}); otherwise
     * those of its strong tags, possibly none (weak tags never match, RFC 9110 §13.1.1).
     */
    static Long[] strongVersions(String ifMatch) {
        if (ifMatch == null) {
            return null;
        }
        List<Long> versions = new ArrayList<>();
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return null;
            }
            if (OUR_TAG.matcher(tag).matches()) { // anything else is not one of our tags: it matches no version
                versions.add(Long.parseLong(tag.substring(1, tag.length() - 1)));
            }
        }
        return versions.toArray(Long[]::new);
    }

    private static SceneView view(Row row) {
        return new SceneView(row.getUUID("id"), row.getUUID("project_id"), row.getString("name"), row.getString("type"),
                row.getInteger("scene_order"), row.getString("tsx_code"), row.getString("props"),
                row.getInteger("duration_frames"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(), row.getLong("version"));
    }
}
