package dev.scenecache.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One blocking RESP2 call to one Redis node, on a connection of its own, for tests that administer
 * servers (cluster setup, failover checks) while some of them may be stalled: every call is bounded
 * by its timeout. Replies: {@code String} (simple and bulk strings), {@code Long}, {@code List},
 * {@code null}; an error reply throws {@link Error}.
 */
public final class Resp {

    /** An error reply of Redis. */
    public static final class Error extends RuntimeException {
        Error(String message) {
            super(message);
        }
    }

    private Resp() {
    }

    public static Object call(int port, int timeoutMillis, Object... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            encode(request, args);
            out.write(request.toByteArray());
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("Redis on port " + port + ": " + e.getMessage(), e);
        }
    }

    public static Object call(int port, Object... args) {
        return call(port, 5_000, args);
    }

    /** {@code args} as {@code user} (an ACL user): {@code AUTH} then the command, on one connection. */
    public static Object callAs(int port, String user, String password, Object... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            encode(request, new Object[] { "AUTH", user, password });
            encode(request, args);
            socket.getOutputStream().write(request.toByteArray());
            socket.getOutputStream().flush();
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            read(in); // +OK (or an error, thrown)
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** A connection subscribed to one channel, reading its messages (for tests that wait for a service's reply). */
    public static final class Subscription implements AutoCloseable {
        private final Socket socket;
        private final BufferedInputStream in;

        private Subscription(Socket socket, BufferedInputStream in) {
            this.socket = socket;
            this.in = in;
        }

        /** Reads messages until one's payload contains {@code text}; fails after {@code atMost} (a hang guard). */
        public String await(String text, java.time.Duration atMost) {
            long deadline = System.nanoTime() + atMost.toNanos();
            try {
                while (System.nanoTime() < deadline) {
                    socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    if (read(in) instanceof List<?> message && message.size() == 3 && "message".equals(message.get(0))
                            && String.valueOf(message.get(2)).contains(text)) {
                        return String.valueOf(message.get(2));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no message containing [" + text + "]: " + e.getMessage(), e);
            }
            throw new IllegalStateException("no message containing [" + text + "] within " + atMost);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Subscribes to {@code channel} on the node at {@code port} (the subscription is confirmed when this returns). */
    public static Subscription subscribe(int port, String channel) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            encode(request, new Object[] { "SUBSCRIBE", channel });
            socket.getOutputStream().write(request.toByteArray());
            socket.getOutputStream().flush();
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            read(in); // ["subscribe", channel, 1]
            return new Subscription(socket, in);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException("Redis on port " + port + ": " + e.getMessage(), e);
        }
    }

    private static void encode(ByteArrayOutputStream request, Object[] args) throws IOException {
        request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object arg : args) {
            byte[] bytes = arg instanceof byte[] b ? b : String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
            request.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.write(bytes);
            request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    public static String string(int port, Object... args) {
        Object reply = call(port, args);
        return reply == null ? null : reply.toString();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new Error(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                line(in);
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("Unexpected RESP type " + type);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("Connection closed");
            }
            line.write(c);
        }
        in.read(); // \n
        return line.toString(StandardCharsets.UTF_8);
    }
}
