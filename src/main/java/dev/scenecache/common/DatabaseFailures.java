package dev.scenecache.common;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Tells a failure caused by PostgreSQL being unreachable (answered 503, the client may retry) from a
 * bug (answered 500). The reactive client reports an unreachable server in several shapes, so the whole
 * cause chain is inspected.
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof ClosedChannelException
                    || t instanceof TimeoutException
                    || t instanceof ClosedConnectionException
                    || t instanceof ConnectTimeoutException
                    || t instanceof ConnectionPoolTooBusyException) {
                return true;
            }
            if (t instanceof PgException pg && isUnavailableState(pg.getSqlState())) {
                return true;
            }
            String name = t.getClass().getName();
            String message = String.valueOf(t.getMessage());
            // Vert.x signals a closed or refused pool connection with stackless throwables.
            if ((name.startsWith("io.vertx") || name.startsWith("io.netty"))
                    && (message.contains("Connection refused")
                            || message.contains("Connection is closed")
                            || message.contains("Pool closed")
                            || message.contains("Timeout"))) {
                return true;
            }
        }
        return false;
    }

    /** SQLSTATE class 08 (connection exception), 57P01..57P03 (server shutting down or starting). */
    private static boolean isUnavailableState(String sqlState) {
        return sqlState != null
                && (sqlState.startsWith("08")
                        || sqlState.equals("57P01")
                        || sqlState.equals("57P02")
                        || sqlState.equals("57P03")
                        || sqlState.equals("53300"));
    }

    /** A unique-constraint violation (SQLSTATE 23505), as two concurrent first writes of one key cause. */
    public static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
