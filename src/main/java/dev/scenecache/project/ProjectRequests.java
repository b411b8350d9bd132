package dev.scenecache.project;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.scenecache.common.Patch;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of the project endpoints. */
public final class ProjectRequests {

    static final String TYPE_PATTERN = "[a-z0-9_-]{1,64}";
    static final String TYPE_MESSAGE = "must be 1-64 of [a-z0-9_-]";

    private ProjectRequests() {
    }

    @RegisterForReflection
    public record CreateProject(
            @NotNull @Size(min = 1, max = 200) String name,
            @NotNull @Pattern(regexp = TYPE_PATTERN, message = TYPE_MESSAGE) String type) {
    }

    /** {@code PATCH /projects/{id}}: any of {@code name}, {@code type}. */
    @RegisterForReflection
    public static final class PatchProject extends Patch {

        @Size(min = 1, max = 200)
        private String name;

        @Pattern(regexp = TYPE_PATTERN, message = TYPE_MESSAGE)
        private String type;

        public void setName(String name) {
            this.name = sent("name", name);
        }

        public void setType(String type) {
            this.type = sent("type", type);
        }

        public String name() {
            return name;
        }

        public String type() {
            return type;
        }
    }
}
