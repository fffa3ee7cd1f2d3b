package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Two HTTPS requests, each on its own TLS connection to the same server: the first pays a full
 * handshake, the second can resume the session. The first handshakes explicitly, the second
 * implicitly on its first write.
 */
final class TlsScenario implements Scenario {

    static final byte[] REQUEST = "GET /tls HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public String description() {
        return "two HTTPS requests on two TLS connections: a full handshake, then a resumed one";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        SSLContext context = LoopbackTls.context();
        SSLServerSocket listener = (SSLServerSocket) DemoPorts.listen(context.getServerSocketFactory(), 50);
        SSLParameters serverParams = listener.getSSLParameters();
        serverParams.setApplicationProtocols(new String[] {"http/1.1"});
        listener.setSSLParameters(serverParams);
        try (LoopbackServer server = new LoopbackServer(listener, 2, s -> {
            s.setTcpNoDelay(true);
            LoopbackServer.readExactly(s.getInputStream(), REQUEST.length);
            s.getOutputStream().write(RESPONSE);
            s.getOutputStream().flush();
            // Wait for the client's close_notify: closing first would make its close_notify meet a reset.
            s.getInputStream().readAllBytes();
        })) {
            for (int i = 0; i < 2; i++) {
                try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    server.port())) {
                    s.setTcpNoDelay(true); // TLS writes records separately: small ones would meet Nagle
                    SSLParameters params = s.getSSLParameters();
                    params.setApplicationProtocols(new String[] {"http/1.1"}); // ALPN
                    s.setSSLParameters(params);
                    if (i == 0) {
                        s.startHandshake();
                    }
                    s.getOutputStream().write(REQUEST);
                    s.getOutputStream().flush();
                    InputStream in = s.getInputStream();
                    LoopbackServer.readExactly(in, RESPONSE.length);
                    out.println("  connection " + (i + 1) + ": " + s.getSession().getProtocol() + " "
                        + s.getSession().getCipherSuite() + ", ALPN " + s.getApplicationProtocol());
                }
            }
            server.await();
            out.println("expect: client.connections=2 tls=true port=" + server.port());
        }
    }
}
