package org.redtrove.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bare HTTP/1.1 client over a socket, for the requests java.net.http refuses to send: odd
 * methods, request targets that are not URIs, huge paths, broken headers and bodies. One
 * connection per request ({@code Connection: close}), read to its end, then parsed by its
 * Content-Length or its chunks.
 */
final class RawHttp {

    /** HTTP/0.9 has no status line: the answer to a request line without a version is the body alone. */
    static final int HTTP_09 = 0;

    /** A response: status ({@link #HTTP_09} for a bare body), headers (names in lower case) and the body. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {
    }

    /**
     * Sends the bytes as they are and reads one response. The output side is shut after writing,
     * so a server waiting for more body than was sent sees the end instead of waiting forever.
     */
    static Reply exchange(int port, byte[] request, boolean head, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException refusedMidway) {
                // the server answered and closed before reading everything: its answer is still there
            }
            return read(socket.getInputStream(), head);
        }
    }

    private static Reply read(InputStream in, boolean head) throws IOException {
        byte[] all = in.readAllBytes();
        if (all.length == 0) {
            throw new IOException("the server closed the connection without an answer");
        }
        if (!new String(all, 0, Math.min(all.length, 5), StandardCharsets.ISO_8859_1).equals("HTTP/")) {
            return new Reply(HTTP_09, Map.of(), all);
        }
        return parse(new java.io.ByteArrayInputStream(all), head);
    }

    private static Reply parse(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.put(header.substring(0, colon).trim().toLowerCase(), header.substring(colon + 1).trim());
            }
        }
        if (head || status == 204 || status == 304 || status / 100 == 1) {
            return new Reply(status, headers, new byte[0]);
        }
        byte[] body;
        String length = headers.get("content-length");
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked(in);
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else {
            body = in.readAllBytes();
        }
        return new Reply(status, headers, body);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                return body.toByteArray();
            }
            int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
            if (n == 0) {
                while (true) { // trailers, up to the empty line
                    String trailer = line(in);
                    if (trailer == null || trailer.isEmpty()) {
                        return body.toByteArray();
                    }
                }
            }
            body.write(in.readNBytes(n));
            line(in);
        }
    }

    /** One CRLF-terminated line as ISO-8859-1, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
