package dev.scenecache.ai;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** The OpenAI-compatible Chat Completions endpoint (built with the configured base URL by {@link OpenAiBrain}). */
@Path("/chat/completions")
public interface ChatCompletionsClient {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<JsonNode> complete(@HeaderParam("Authorization") String authorization, JsonNode request);
}
