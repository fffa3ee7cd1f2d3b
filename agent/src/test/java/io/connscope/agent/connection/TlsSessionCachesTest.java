package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlsSessionCachesTest {

    private static TlsInfo full(long start, long end, int cache) {
        return new TlsInfo(start, end, "1.3", "TLS_AES_128_GCM_SHA256", false, null, null, cache);
    }

    @Test
    void countsOnlyFullHandshakesOfACacheThatAlreadyHeldASession() {
        TlsSessionCaches caches = new TlsSessionCaches();
        assertThat(caches.add(7, full(10, 20, 7))).as("the first: nothing to resume").isZero();
        assertThat(caches.add(9, full(30, 40, 9))).as("another context's first").isZero();
        assertThat(caches.add(7, full(15, 25, 7))).as("begun before the first had ended").isZero();
        assertThat(caches.add(7, full(50, 60, 7))).isEqualTo(1);
        assertThat(caches.add(7, full(70, 80, 7))).isEqualTo(2);
        assertThat(caches.add(9, new TlsInfo(90, 95, "1.3", "x", true, null, null, 9))).as("resumed").isZero();
        assertThat(caches.count()).isEqualTo(2);
    }

    @Test
    void keepsAtMostSixteenCaches() {
        TlsSessionCaches caches = new TlsSessionCaches();
        for (int i = 1; i <= 40; i++) {
            caches.add(i, full(i * 10, i * 10 + 5, i));
        }
        assertThat(caches.count()).isEqualTo(TlsSessionCaches.MAX);
    }
}
