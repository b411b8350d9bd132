package dev.scenecache.common;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The last {@code capacity} items added (an audit trail, say), thread-safe, read newest first. */
public final class Recent<T> {

    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final int capacity;

    public Recent(int capacity) {
        this.capacity = Math.max(0, capacity);
    }

    /** Adds {@code item}, dropping the oldest beyond the capacity. */
    public synchronized void add(T item) {
        items.addLast(item);
        while (items.size() > capacity) {
            items.removeFirst();
        }
    }

    /** A copy, newest first. */
    public synchronized List<T> newestFirst() {
        List<T> copy = new ArrayList<>(items);
        Collections.reverse(copy);
        return copy;
    }
}
