package io.connscope.testsupport;

import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for loopback servers and clients in the demo, the fixtures, the tests and the benchmarks: one
 * self-signed EC key for localhost and 127.0.0.1 (valid until 2046), shipped in this jar so that no
 * run waits for keytool. Servers present it, clients trust it, and nothing else.
 */
public final class LoopbackTls {

    private static final String STORE = "loopback.p12";
    private static final char[] PASSWORD = "connscope".toCharArray();
    private static KeyStore keys;

    private LoopbackTls() {
    }

    /** The key pair and its certificate. */
    public static synchronized KeyStore keyStore() throws GeneralSecurityException {
        if (keys == null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = LoopbackTls.class.getResourceAsStream(STORE)) {
                if (in == null) {
                    throw new IllegalStateException(STORE + " is missing beside " + LoopbackTls.class.getName());
                }
                ks.load(in, PASSWORD);
            } catch (java.io.IOException e) {
                throw new GeneralSecurityException("cannot read " + STORE, e);
            }
            keys = ks;
        }
        return keys;
    }

    /** The key, for a server that builds its own TLS (gRPC's BoringSSL, Netty's SslContext). */
    public static KeyManagerFactory keyManagers() throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(), PASSWORD);
        return kmf;
    }

    /** Trust in the certificate, for a client that builds its own TLS. */
    public static TrustManagerFactory trustManagers() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore());
        return tmf;
    }

    /** The trust manager alone, for clients that take one (OkHttp). */
    public static X509TrustManager trustManager() throws GeneralSecurityException {
        return (X509TrustManager) trustManagers().getTrustManagers()[0];
    }

    /** A server's context: the key. */
    public static SSLContext serverContext() throws GeneralSecurityException {
        return context(true, false);
    }

    /** A client's context: trust in the certificate. */
    public static SSLContext clientContext() throws GeneralSecurityException {
        return context(false, true);
    }

    /** One context for both ends: it holds the key and trusts the same certificate. */
    public static SSLContext context() throws GeneralSecurityException {
        return context(true, true);
    }

    private static SSLContext context(boolean key, boolean trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(key ? keyManagers().getKeyManagers() : null, trust ? trustManagers().getTrustManagers() : null, null);
        return context;
    }
}
