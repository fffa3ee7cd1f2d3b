package io.connscope.stacks;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the fixtures' loopback servers and clients: one self-signed key pair for localhost and
 * 127.0.0.1, made by the JDK's keytool when first asked for, which the servers present and the
 * clients trust (and nothing else).
 */
public final class FixtureTls {

    /** The key store's password. */
    public static final char[] PASSWORD = "changeit".toCharArray();
    private static KeyStore keys;

    private FixtureTls() {
    }

    /** The key pair and its certificate. */
    public static synchronized KeyStore keyStore() throws Exception {
        if (keys == null) {
            keys = selfSigned();
        }
        return keys;
    }

    public static KeyManagerFactory keyManagers() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(), PASSWORD);
        return kmf;
    }

    public static TrustManagerFactory trustManagers() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore());
        return tmf;
    }

    /** The trust manager alone, for clients that take one (OkHttp). */
    public static X509TrustManager trustManager() throws Exception {
        return (X509TrustManager) trustManagers().getTrustManagers()[0];
    }

    /** A server's context: the key. */
    public static SSLContext serverContext() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers().getKeyManagers(), null, null);
        return context;
    }

    /** A client's context: trust in the certificate. */
    public static SSLContext clientContext() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers().getTrustManagers(), null);
        return context;
    }

    private static KeyStore selfSigned() throws Exception {
        Path store = Files.createTempDirectory("fixture-tls").resolve("keys.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
            "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }
}
