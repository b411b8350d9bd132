package dev.scenecache.scene;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scenecache.common.Patch;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of the scene endpoints. Byte limits of tsxCode and props are checked by the service. */
public final class SceneRequests {

    static final String TYPE_PATTERN = "[a-z0-9_-]{1,64}";
    static final String TYPE_MESSAGE = "must be 1-64 of [a-z0-9_-]";
    static final int MAX_ORDER = 10_000;
    static final int MAX_DURATION_FRAMES = 108_000;
    static final int DEFAULT_DURATION_FRAMES = 150;

    private SceneRequests() {
    }

    @RegisterForReflection
    public record CreateScene(
            @NotNull @Size(min = 1, max = 200) String name,
            @NotNull @Pattern(regexp = TYPE_PATTERN, message = TYPE_MESSAGE) String type,
            @Min(0) @Max(MAX_ORDER) Integer order,
            @NotNull @Size(min = 1, message = "must not be empty") String tsxCode,
            ObjectNode props,
            @Min(1) @Max(MAX_DURATION_FRAMES) Integer durationFrames) {
    }

    /** {@code PATCH /projects/{p}/scenes/{s}}: any of the fields. */
    @RegisterForReflection
    public static final class PatchScene extends Patch {

        @Size(min = 1, max = 200)
        private String name;

        @Pattern(regexp = TYPE_PATTERN, message = TYPE_MESSAGE)
        private String type;

        @Min(0)
        @Max(MAX_ORDER)
        private Integer order;

        @Size(min = 1, message = "must not be empty")
        private String tsxCode;

        private ObjectNode props;

        @Min(1)
        @Max(MAX_DURATION_FRAMES)
        private Integer durationFrames;

        public void setName(String name) {
            this.name = sent("name", name);
        }

        public void setType(String type) {
            this.type = sent("type", type);
        }

        public void setOrder(Integer order) {
            this.order = sent("order", order);
        }

        public void setTsxCode(String tsxCode) {
            this.tsxCode = sent("tsxCode", tsxCode);
        }

        public void setProps(ObjectNode props) {
            this.props = sent("props", props);
        }

        public void setDurationFrames(Integer durationFrames) {
            this.durationFrames = sent("durationFrames", durationFrames);
        }

        public String name() {
            return name;
        }

        public String type() {
            return type;
        }

        public Integer order() {
            return order;
        }

        public String tsxCode() {
            return tsxCode;
        }

        public ObjectNode props() {
            return props;
        }

        public Integer durationFrames() {
            return durationFrames;
        }
    }
}
