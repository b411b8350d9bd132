package dev.scenecache.monitoring;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import dev.scenecache.cache.CacheHeaders;

/**
 * Documents the cache's response headers ({@code X-Cache}, {@code X-Cache-Tier}, {@code Cache-Status},
 * {@code Age}) on the 200 answer of every operation that reads through the cache, in the OpenAPI document
 * the service serves ({@code /q/openapi}). Registered as {@code mp.openapi.filter}.
 */
public class CacheHeadersOpenApi implements OASFilter {

    /** The operations that read through the cache: path, then HTTP method. */
    static final Map<String, PathItem.HttpMethod> CACHED = Map.of(
            "/projects/{projectId}", PathItem.HttpMethod.GET,
            "/projects/{projectId}/scenes", PathItem.HttpMethod.GET,
            "/projects/{projectId}/scenes/{sceneId}", PathItem.HttpMethod.GET,
            "/projects/{projectId}/scenes/{sceneId}/component", PathItem.HttpMethod.GET,
            "/users/{userId}/preferences", PathItem.HttpMethod.GET,
            "/projects/{projectId}/decisions", PathItem.HttpMethod.POST,
            "/components/build", PathItem.HttpMethod.POST);

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        CACHED.forEach((path, method) -> {
            PathItem item = openAPI.getPaths().getPathItem(path);
            Operation operation = item == null ? null : item.getOperations().get(method);
            if (operation == null || operation.getResponses() == null) {
                return;
            }
            APIResponse ok = operation.getResponses().getAPIResponse("200");
            if (ok == null) {
                ok = OASFactory.createAPIResponse().description("OK");
                operation.getResponses().addAPIResponse("200", ok);
            }
            ok.addHeader(CacheHeaders.X_CACHE, header("How the cache answered: HIT (the in-process tier or Redis),"
                    + " MISS (loaded from the source and stored) or BYPASS (caching off or unavailable: the source"
                    + " answered).", List.of("HIT", "MISS", "BYPASS")));
            ok.addHeader(CacheHeaders.X_CACHE_TIER, header("On a HIT: L1 (in process) or L2 (Redis); SEMANTIC for"
                    + " a decision made for an earlier prompt that means the same (the semantic decision cache).",
                    List.of("L1", "L2", "SEMANTIC")));
            ok.addHeader(CacheHeaders.CACHE_STATUS, header("RFC 9211, cache name scenecache: `scenecache; hit;"
                    + " detail=l1`, `scenecache; hit; detail=l2`, `scenecache; fwd=miss; stored` (`scenecache;"
                    + " fwd=miss` when the answer was not stored), `scenecache; fwd=bypass`, and `scenecache; hit;"
                    + " detail=stale-if-error` for an answer from an entry past its TTL because the database is"
                    + " unavailable (within CACHE_STALE_IF_ERROR seconds of its expiry; never an entry a write"
                    + " invalidated), `scenecache; hit; detail=semantic` for a decision of the semantic cache. A request"
                    + " that reads several entries reports the least fresh read.", null));
            ok.addHeader(CacheHeaders.AGE, OASFactory.createHeader()
                    .description("On a stale-if-error answer: seconds since the entry was stored (RFC 9111).")
                    .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).minimum(BigDecimal.ZERO)));
        });
    }

    private static Header header(String description, List<String> values) {
        Schema schema = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        if (values != null) {
            schema.enumeration(List.copyOf(values));
        }
        return OASFactory.createHeader().description(description).schema(schema);
    }
}
