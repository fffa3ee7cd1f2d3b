package io.connscope.demo;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** HTTP/1.x by hand on a plain socket, for the scenarios that need what no client library does. */
final class RawHttp {

    static final String POST_BODY = "amount=100";

    private RawHttp() {
    }

    /** A request head (with body for POST), as bytes; extra headers are "Name: value" strings. */
    static byte[] request(String method, String path, String version, int port, String... headers) {
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(path).append(' ').append(version).append("\r\n");
        sb.append("Host: 127.0.0.1:").append(port).append("\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        boolean body = method.equals("POST");
        if (body) {
            sb.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ")
                .append(POST_BODY.length()).append("\r\n");
        }
        sb.append("\r\n");
        if (body) {
            sb.append(POST_BODY);
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static void send(OutputStream out, byte[]... requests) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] r : requests) {
            b.write(r);
        }
        out.write(b.toByteArray());
        out.flush();
    }

    /**
     * Reads one response and returns its status; the body is read by Content-Length, or to the end
     * of the stream when there is none. Throws EOFException when the connection ends before a status line.
     */
    static int readResponse(InputStream in) throws IOException {
        String status = line(in, true);
        long length = -1;
        for (String h = line(in, false); !h.isEmpty(); h = line(in, false)) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Long.parseLong(h.substring(colon + 1).trim());
            }
        }
        if (length >= 0) {
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new EOFException("body truncated: received " + body.length + " of " + length + " bytes");
            }
        } else {
            in.readAllBytes();
        }
        return Integer.parseInt(status.split(" ")[1]);
    }

    /** Reads one message head, its lines ended by CRLF as on the wire (the start line included). */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder(line(in, true)).append("\r\n");
        for (String h = line(in, false); !h.isEmpty(); h = line(in, false)) {
            head.append(h).append("\r\n");
        }
        return head.toString();
    }

    private static String line(InputStream in, boolean first) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException(first && sb.length() == 0 ? "connection closed before a response"
                    : "connection closed inside a response head");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
