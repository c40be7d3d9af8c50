package org.redtrove.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One address in front of several api processes, as a production layout puts a load balancer
 * (HAProxy in TCP mode, say) in front of them: each connection goes to the next backend that
 * accepts it, so one that is down is skipped.
 */
final class TcpBalancer implements AutoCloseable {

    private final ServerSocket server;
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();

    TcpBalancer(List<Integer> backendPorts) throws IOException {
        this.backends = List.copyOf(backendPorts);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "balancer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket backend = connect();
                if (backend == null) {
                    client.close();
                    continue;
                }
                AtomicInteger open = new AtomicInteger(2);
                pump(client, backend, open);
                pump(backend, client, open);
            } catch (IOException e) {
                // closed, or one connection failed: the next one is served
            }
        }
    }

    private Socket connect() {
        for (int i = 0; i < backends.size(); i++) {
            int port = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return s;
            } catch (IOException down) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to close
                }
            }
        }
        return null;
    }

    /** Copies one direction; the end of it is passed on, and the last direction to end closes both. */
    private static void pump(Socket from, Socket to, AtomicInteger open) {
        Thread t = new Thread(() -> {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                in.transferTo(out);
                to.shutdownOutput();
            } catch (IOException ended) {
                // either side went away
            } finally {
                if (open.decrementAndGet() == 0) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }
        }, "balancer-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
