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
    }
}
