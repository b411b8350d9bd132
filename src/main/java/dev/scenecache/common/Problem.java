package dev.scenecache.common;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem detail, the body of every error answer ({@code application/problem+json}).
 *
 * @param type a URI reference naming the kind of problem
 * @param title a short summary of that kind
 * @param status the HTTP status code
 * @param detail what went wrong in this occurrence, for a person
 * @param errors one entry per invalid input field; empty when the problem is not about input
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One invalid input: the JSON field (or path/header/query parameter) and what is wrong with it. */
    @RegisterForReflection
    public record FieldError(String field, String message) {
    }
}
