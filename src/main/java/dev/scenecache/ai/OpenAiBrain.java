package dev.scenecache.ai;

import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

/**
 * The {@code openai} brain: one Chat Completions call with one tool per operation and
 * {@code tool_choice: required}; the tool call is the decision.
 *
 * <p>
 * 429, 5xx and connection failures are retried with exponential backoff (SmallRye Fault
 * Tolerance), all within {@code AI_TIMEOUT}; then 502, or 504 past the deadline. A malformed answer (no
 * tool call, arguments that are not JSON, an unknown operation, a scene id that is not the project's)
 * is a 502 at once: asking again would not make it right. The API key only ever goes into the
 * Authorization header; neither it nor the request is logged.
 */
@ApplicationScoped
@Typed(OpenAiBrain.class) // the Brain in use comes from Brains
public class OpenAiBrain implements Brain {

    private static final String SYSTEM = """
            You are the editing brain of a motion-graphics video editor. The user asks for a change to \
            their video project; decide what to do by calling exactly one tool. Scene ids must be ids of \
            the project's scenes listed below. When the request is ambiguous, call clarify.""";

    private final AiConfig config;
    private final ObjectMapper mapper;
    private final ArrayNode tools;
    private final ChatCompletionsCalls calls;

    public OpenAiBrain(AiConfig config, ObjectMapper mapper, ChatCompletionsCalls calls) {
        this.config = config;
        this.mapper = mapper;
        this.calls = calls;
        this.tools = tools(mapper);
    }

    @Override
    public String provider() {
        return "openai";
    }

    @Override
    public String model() {
        return config.model();
    }

    @Override
    public Uni<BrainAnswer> decide(String prompt, ProjectContext context) {
        ObjectNode request = mapper.createObjectNode().put("model", config.model());
        ArrayNode messages = request.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM);
        messages.addObject().put("role", "user").put("content", describe(context) + "\nRequest: " + prompt);
        request.set("tools", tools);
        request.put("tool_choice", "required");
        return calls.call(request)
                .ifNoItem().after(config.timeout())
                .failWith(() -> UpstreamException.timeout("no answer within " + config.timeout()))
                .onFailure(ChatCompletionsCalls.Retryable.class).transform(f -> UpstreamException.error(f.getMessage()))
                .onFailure(f -> !(f instanceof UpstreamException)).transform(f -> UpstreamException.error(f.toString()))
                .map(answer -> parse(answer, context));
    }

    BrainAnswer parse(JsonNode answer, ProjectContext context) {
        JsonNode call = answer.path("choices").path(0).path("message").path("tool_calls").path(0).path("function");
        if (call.isMissingNode() || !call.path("name").isTextual()) {
            throw UpstreamException.error("the answer has no tool call");
        }
        Operation operation = Operation.parse(call.path("name").asText());
        if (operation == null) {
            throw UpstreamException.error("unknown operation [" + call.path("name").asText() + "]");
        }
        JsonNode arguments;
        try {
            arguments = mapper.readTree(call.path("arguments").asText(""));
        } catch (JsonProcessingException e) {
            throw UpstreamException.error("the tool call's arguments are not JSON");
        }
        if (arguments == null || !arguments.isObject()) {
            throw UpstreamException.error("the tool call's arguments are not a JSON object");
        }
        ProjectContext.SceneRef target = null;
        JsonNode id = arguments.path("targetSceneId");
        if (id.isTextual() && !id.asText().isBlank()) {
            try {
                target = context.scene(UUID.fromString(id.asText()));
            } catch (IllegalArgumentException e) {
                target = null;
            }
            if (target == null) {
                throw UpstreamException.error("unknown scene id [" + id.asText() + "]");
            }
        } else if (operation.needsTarget()) {
            throw UpstreamException.error(operation + " without a targetSceneId");
        }
        long tokens = answer.path("usage").path("prompt_tokens").asLong(0)
                + answer.path("usage").path("completion_tokens").asLong(0);
        String model = answer.path("model").asText(config.model());
        return new BrainAnswer(operation, target == null ? null : target.id(), target == null ? null : target.name(),
                target == null ? null : target.type(), operation.name(), arguments.path("reasoning").asText(""), model,
                tokens);
    }

    private String describe(ProjectContext context) {
        StringBuilder text = new StringBuilder("Project type: ").append(context.projectType()).append("\nScenes in order:");
        if (context.scenes().isEmpty()) {
            text.append(" none");
        }
        int i = 1;
        for (ProjectContext.SceneRef s : context.scenes()) {
            text.append("\n").append(i++).append(". id=").append(s.id()).append(" name=\"").append(s.name())
                    .append("\" type=").append(s.type()).append(" order=").append(s.order());
        }
        return text.toString();
    }

    private static ArrayNode tools(ObjectMapper mapper) {
        Map<Operation, String> descriptions = Map.of(
                Operation.addScene, "Add a new scene to the video.",
                Operation.editScene, "Change one existing scene (its look, text, timing, code).",
                Operation.deleteScene, "Delete one existing scene.",
                Operation.reorderScenes, "Change the order of the scenes.",
                Operation.clarify, "Ask the user what they mean when the request is ambiguous.");
        ArrayNode tools = mapper.createArrayNode();
        for (Operation operation : Operation.values()) {
            ObjectNode function = tools.addObject().put("type", "function").putObject("function")
                    .put("name", operation.name()).put("description", descriptions.get(operation));
            ObjectNode parameters = function.putObject("parameters").put("type", "object");
            ObjectNode properties = parameters.putObject("properties");
            ObjectNode target = properties.putObject("targetSceneId");
            target.putArray("type").add("string").add("null");
            target.put("description", "The id of the scene the decision is about, or null.");
            properties.putObject("reasoning").put("type", "string").put("description", "Why, in one sentence.");
            ArrayNode required = parameters.putArray("required").add("reasoning");
            if (operation.needsTarget()) {
                required.add("targetSceneId");
            }
            parameters.put("additionalProperties", false);
        }
        return tools;
    }
}
