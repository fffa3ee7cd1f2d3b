package io.connscope.agent.export.sender;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one HTTP/1.x response from a stream: interim 1xx responses skipped, the body by
 * Content-Length, by chunks, or up to the close, no larger than the exporter accepts.
 */
final class ResponseReader {

    private static final int MAX_LINE = 16 * 1024;

    private final InputStream in;

    private ResponseReader(InputStream in) {
        this.in = in;
    }

    static PostResponse read(InputStream in, long maxBody) throws IOException {
        return new ResponseReader(in).response(maxBody);
    }

    /** The response body was larger than the exporter accepts. */
    static final class ResponseTooLargeException extends IOException {
        ResponseTooLargeException(long size, long max) {
            super("the collector's response body (" + size + " bytes) is larger than " + max + " bytes");
        }
    }

    private PostResponse response(long maxBody) throws IOException {
        String statusLine = readLine();
        while (true) {
            // "HTTP/1.1 200 OK"
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x response: " + printable(statusLine));
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("bad HTTP status line: " + printable(statusLine));
            }
            long contentLength = -1;
            boolean chunked = false;
            boolean close = parts[0].equals("HTTP/1.0");
            String encoding = null;
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "content-length":
                        try {
                            contentLength = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new IOException("bad Content-Length: " + printable(value));
                        }
                        break;
                    case "transfer-encoding":
                        chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                        break;
                    case "connection":
                        close = value.toLowerCase(Locale.ROOT).contains("close")
                            || close && !value.toLowerCase(Locale.ROOT).contains("keep-alive");
                        break;
                    case "content-encoding":
                        encoding = value.toLowerCase(Locale.ROOT);
                        break;
                    default:
                        break;
                }
            }
            if (status >= 100 && status < 200) {
                statusLine = readLine(); // an interim response; the final one follows
                continue;
            }
            byte[] body;
            if (status == 204 || status == 304) {
                body = new byte[0];
            } else if (chunked) {
                body = readChunked(maxBody);
            } else if (contentLength >= 0) {
                if (contentLength > maxBody) {
                    throw new ResponseTooLargeException(contentLength, maxBody);
                }
                body = readExactly((int) contentLength);
            } else {
                body = readToClose(maxBody);
                close = true;
            }
            if (encoding != null && !encoding.equals("identity") && body.length > 0) {
                // connscope sends no Accept-Encoding, so a compressed body is the collector's mistake.
                throw new IOException("the collector answered with an unrequested Content-Encoding: " + printable(encoding));
            }
            return new PostResponse(status, parts.length > 2 ? parts[2] : "", body, close);
        }
    }

    private byte[] readChunked(long maxBody) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + printable(sizeLine));
            }
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            if (body.size() + size > maxBody) {
                throw new ResponseTooLargeException(body.size() + size, maxBody);
            }
            body.write(readExactly((int) size));
            if (!readLine().isEmpty()) {
                throw new IOException("a chunk did not end with CRLF");
            }
        }
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the response body ended after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    private byte[] readToClose(long maxBody) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            if (body.size() + n > maxBody) {
                throw new ResponseTooLargeException(body.size() + (long) n, maxBody);
            }
            body.write(buffer, 0, n);
        }
        return body.toByteArray();
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the response ended inside its head");
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("a response line is longer than " + MAX_LINE + " bytes");
            }
            line.append((char) c);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return new String(cut.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
    }
}
