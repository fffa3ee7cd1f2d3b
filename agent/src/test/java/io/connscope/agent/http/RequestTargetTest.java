package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTargetTest {

    @Test
    void urlPathDropsQueryAndFragmentAndHandlesEveryTargetForm() {
        assertThat(RequestTarget.path("/a/b?token=secret#x")).isEqualTo("/a/b");
        assertThat(RequestTarget.path("/")).isEqualTo("/");
        assertThat(RequestTarget.path("http://proxy.example:8080/p?q")).isEqualTo("/p");
        assertThat(RequestTarget.path("http://example.com")).isEqualTo("/");
        assertThat(RequestTarget.path("*")).isEqualTo("*");
        assertThat(RequestTarget.path("example.com:443")).isNull();
        assertThat(RequestTarget.path("")).isNull();
        assertThat(RequestTarget.path("http://user:password@example.com/p")).isEqualTo("/p");
    }

    @Test
    void queryIsWhatFollowsTheQuestionMarkUpToAFragment() {
        assertThat(RequestTarget.query("/a/b?token=secret&x=1#frag")).isEqualTo("token=secret&x=1");
        assertThat(RequestTarget.query("http://proxy.example:8080/p?q")).isEqualTo("q");
        assertThat(RequestTarget.query("/p?")).isEmpty();
        assertThat(RequestTarget.query("/p")).isNull();
        assertThat(RequestTarget.query("/p#f?not-a-query")).isNull();
        assertThat(RequestTarget.query(null)).isNull();
    }

    /** url.full: never credentials or a fragment, the query only when asked, the port only when not the default. */
    @Test
    void fullUrlIsTheRequestAsTheClientAddressedItWithoutCredentials() {
        assertThat(RequestTarget.fullUrl("/orders/7?token=s3cret#top", "http", "api.example", 8080, false))
            .isEqualTo("http://api.example:8080/orders/7");
        assertThat(RequestTarget.fullUrl("/orders/7?token=s3cret#top", "http", "api.example", 8080, true))
            .isEqualTo("http://api.example:8080/orders/7?token=s3cret");
        assertThat(RequestTarget.fullUrl("/", "https", "api.example", 443, false)).isEqualTo("https://api.example/");
        assertThat(RequestTarget.fullUrl("/", "http", "::1", 80, false)).isEqualTo("http://[::1]/");
        assertThat(RequestTarget.fullUrl("http://user:pw@proxy.example:3128/a?b=1", "http", "proxy", 3128, false))
            .isEqualTo("http://proxy.example:3128/a");
        assertThat(RequestTarget.fullUrl("http://user:pw@proxy.example", "http", "proxy", 3128, true))
            .isEqualTo("http://proxy.example/");
        assertThat(RequestTarget.fullUrl("api.example:443", "http", "proxy", 3128, false)).as("CONNECT").isNull();
        assertThat(RequestTarget.fullUrl("*", "http", "api.example", 80, false)).isNull();
        assertThat(RequestTarget.fullUrl("/a", "http", null, 80, false)).isNull();
    }

    /** A server span's server.address: the host its client named, from Host or :authority. */
    @Test
    void hostOfAnAuthorityIsItsHostWithoutPortBracketsOrUserInfo() {
        assertThat(RequestTarget.hostOf("api.example:8080")).isEqualTo("api.example");
        assertThat(RequestTarget.hostOf("api.example")).isEqualTo("api.example");
        assertThat(RequestTarget.hostOf("[::1]:8443")).isEqualTo("::1");
        assertThat(RequestTarget.hostOf("user:pw@10.0.0.1:80")).isEqualTo("10.0.0.1");
        assertThat(RequestTarget.hostOf(":80")).isNull();
        assertThat(RequestTarget.hostOf("[]")).isNull();
        assertThat(RequestTarget.hostOf(null)).isNull();
    }
}
