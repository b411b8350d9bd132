package dev.scenecache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One address in front of a Redis that may move, as a managed Redis' primary endpoint or a TCP load
 * balancer is: clients connect to {@link #port()}, each connection is relayed to the current target.
 * When a side of a relayed connection ends (the server died), both sides are closed, as a proxy does;
 * {@link #moveTo} sends the new connections elsewhere. Loopback only; a thread per direction (tests only).
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int target;
    private volatile boolean closed;

    private TcpProxy(ServerSocket server, int target) {
        this.server = server;
        this.target = target;
    }

    public static TcpProxy start(int target) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            TcpProxy proxy = new TcpProxy(server, target);
            Thread accept = new Thread(proxy::accept, "tcp-proxy-" + server.getLocalPort());
            accept.setDaemon(true);
            accept.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    /** New connections go to {@code port} from now on; the open ones stay where they are. */
    public void moveTo(int port) {
        target = port;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                } catch (IOException refused) {
                    client.close();
                    continue;
                }
                open.add(client);
                open.add(upstream);
                relay(client, upstream);
                relay(upstream, client);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void relay(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side ended: the other is closed below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        open.forEach(this::closeQuietly);
    }
}
