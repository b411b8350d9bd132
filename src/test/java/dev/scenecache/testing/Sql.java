package dev.scenecache.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads rows straight from PostgreSQL, to check what the service really stored. */
public final class Sql {

    private Sql() {
    }

    /** The first row of a query as column name to value, or null when there is none. */
    public static Map<String, Object> row(String sql, Object... params) {
        try (Connection c = TestServers.postgres().connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * How many statements that read or write {@code table} PostgreSQL has executed so far, from any
     * client (pg_stat_statements, updated as each statement ends).
     */
    public static long statementsOn(String table) {
        execute("create extension if not exists pg_stat_statements");
        return count("select coalesce(sum(calls), 0) from pg_stat_statements where query ~* ? "
                + "and query not ilike '%pg_stat_statements%'", "(from|update|into)\\s+" + table + "\\M");
    }

    public static void execute(String sql) {
        try (Connection c = TestServers.postgres().connect(); var s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String sql, Object... params) {
        return ((Number) row(sql, params).values().iterator().next()).longValue();
    }
}
