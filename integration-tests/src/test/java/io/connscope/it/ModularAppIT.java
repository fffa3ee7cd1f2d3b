package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.testsupport.Jvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A JPMS application, launched from its module path as a named module that reads only what it
 * declares: connscope, on the class path, still follows its java.net.http, HttpURLConnection and
 * server connections.
 */
class ModularAppIT {

    private static final String MODULE_INFO = String.join("\n",
        "module shop {",
        "    requires java.net.http;",
        "    requires jdk.httpserver;",
        "}");

    private static final String MAIN = String.join("\n",
        "package shop;",
        "",
        "import com.sun.net.httpserver.HttpServer;",
        "import java.net.InetAddress;",
        "import java.net.InetSocketAddress;",
        "import java.net.URI;",
        "import java.net.http.HttpClient;",
        "import java.net.http.HttpRequest;",
        "import java.net.http.HttpResponse;",
        "",
        "public final class Main {",
        "    public static void main(String[] args) throws Exception {",
        "        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);",
        "        server.createContext(\"/\", e -> { byte[] body = \"ok\".getBytes(); e.sendResponseHeaders(200, body.length);",
        "            e.getResponseBody().write(body); e.close(); });",
        "        server.start();",
        "        int port = server.getAddress().getPort();",
        "        URI uri = URI.create(\"http://127.0.0.1:\" + port + \"/items\");",
        "        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();",
        "        int ok = 0;",
        "        for (int i = 0; i < 3; i++) {",
        "            ok += client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body().equals(\"ok\") ? 1 : 0;",
        "        }",
        "        for (int i = 0; i < 2; i++) {",
        "            java.net.HttpURLConnection c = (java.net.HttpURLConnection) uri.toURL().openConnection();",
        "            ok += new String(c.getInputStream().readAllBytes()).equals(\"ok\") ? 1 : 0;",
        "        }",
        "        System.out.println(\"expect: port=\" + port + \" ok=\" + ok + \" module=\" + Main.class.getModule().getName());",
        "        server.stop(0);",
        "    }",
        "}");

    private static Path modules;

    @BeforeAll
    static void compileTheModule() throws Exception {
        Path src = Files.createTempDirectory("shop-src");
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.createDirectories(src.resolve("shop"));
        Files.writeString(src.resolve("shop/Main.java"), MAIN);
        modules = Files.createTempDirectory("shop-modules");
        Path out = Files.createDirectories(modules.resolve("shop"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-d", out.toString(),
            src.resolve("module-info.java").toString(), src.resolve("shop/Main.java").toString());
        assertThat(rc).as("javac").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aNamedModuleIsFollowedLikeAnyApplication(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).module(modules, "shop/shop.Main").assertSuccess();
            var expect = run.expectLine("module=");
            assertThat(expect.get("module")).isEqualTo("shop");
            assertThat(expect.get("ok")).isEqualTo("5");
            int port = Integer.parseInt(expect.get("port"));
            List<SpanView> client = otlp.spans().exchanges("client", port);
            assertThat(client).hasSize(5);
            // HttpURLConnection's own hook saw its two requests, inside the JDK, for a named module.
            assertThat(client).filteredOn(e -> e.has("connscope.http.client.api"))
                .extracting(e -> e.str("connscope.http.client.api")).containsExactly("HttpURLConnection", "HttpURLConnection");
            assertThat(otlp.spans().exchanges("server", port)).hasSize(5);
            assertThat(run.stderr).doesNotContain("internal error").doesNotContain("Exception");
        }
    }
}
