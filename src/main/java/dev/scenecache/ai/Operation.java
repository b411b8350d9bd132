package dev.scenecache.ai;

/**
 * What a decision does; also the names of the tools the upstream brain is offered. Lower camel case on
 * purpose: the API's operation names and the tool names sent upstream are these very names.
 */
public enum Operation {
    addScene,
    editScene,
    deleteScene,
    reorderScenes,
    clarify;

    /** Whether the decision is about one existing scene (which must then be named and exist). */
    public boolean needsTarget() {
        return this == editScene || this == deleteScene;
    }

    public static Operation parse(String name) {
        for (Operation o : values()) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }
}
