package org.redtrove.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One address in front of several backends, as a production layout puts a load balancer (HAProxy
 * in TCP mode, say) in front of its api processes: each connection goes to the next backend that
 * accepts it, so one that is down is skipped. With one backend it forwards a port, as
 * deploy/multihost does to reach a broker that listens on loopback only. For one machine and its
 * tests, not for production traffic: a thread per direction of each connection.
 *
 * <p>{@code redtrove balancer --listen HOST:PORT --to HOST:PORT[,HOST:PORT...]}
 */
public final class TcpBalancer implements AutoCloseable {

    private final ServerSocket server;
    private final List<InetSocketAddress> backends;
    private final AtomicInteger next = new AtomicInteger();

    /** On a free loopback port, to loopback backends: the tests' own. */
    public TcpBalancer(List<Integer> backendPorts) throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backendPorts.stream()
                .map(p -> new InetSocketAddress(InetAddress.getLoopbackAddress(), p)).toList());
    }

    public TcpBalancer(InetSocketAddress listen, List<InetSocketAddress> backends) throws IOException {
        this.backends = List.copyOf(backends);
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen, 128);
        Thread acceptor = new Thread(this::accept, "balancer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Runs until the process is stopped. */
    public static void main(String[] args) throws Exception {
        InetSocketAddress listen = null;
        List<InetSocketAddress> to = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--listen" -> listen = address(args[i + 1]);
                case "--to" -> {
                    for (String backend : args[i + 1].split(",")) {
                        to.add(address(backend.trim()));
                    }
                }
                default -> usage("unknown option " + args[i]);
            }
        }
        if (listen == null || to.isEmpty() || args.length % 2 != 0) {
            usage("both --listen and --to are needed");
        }
        try (TcpBalancer balancer = new TcpBalancer(listen, to)) {
            System.out.println("balancing " + listen + " to " + to);
            new CountDownLatch(1).await();
        }
    }

    private static void usage(String why) {
        System.err.println("redtrove balancer: " + why
                + "\nusage: redtrove balancer --listen HOST:PORT --to HOST:PORT[,HOST:PORT...]");
        System.exit(2);
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            usage("not HOST:PORT: " + hostPort);
        }
        try {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            usage("not HOST:PORT: " + hostPort);
            return null;
        }
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
            InetSocketAddress backend = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
            Socket s = new Socket();
            try {
                s.connect(backend, 1000);
                return s;
            } catch (IOException down) {
                closeQuietly(s);
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
