package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.SecurityManagerApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.testsupport.Jvm;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An application that runs under a security manager with a restrictive policy (JDK 17; the security
 * manager is gone from JDK 24): the policy grants connscope's jar what an agent needs, as the README
 * says to, and the application only local sockets. The application sees no SecurityException, and
 * connscope follows its connections and exports them.
 */
class SecurityManagerIT {

    @Test
    void aRestrictivePolicyStaysTheApplicationsOwn() throws Exception {
        Path policy = Files.createTempFile("connscope", ".policy");
        Files.writeString(policy, String.join("\n",
            "grant codeBase \"" + ChildJvm.AGENT_JAR.toUri() + "\" {",
            "    permission java.security.AllPermission;",
            "};",
            "grant codeBase \"" + ChildJvm.FIXTURES.toUri() + "-\" {",
            "    permission java.net.SocketPermission \"localhost:0\", \"listen\";",
            "    permission java.net.SocketPermission \"127.0.0.1:1024-\", \"connect,accept,resolve\";",
            "    permission java.net.URLPermission \"http://127.0.0.1:*/-\", \"GET:*\";",
            "    permission java.lang.RuntimePermission \"exitVM.0\";",
            "};"));
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).exportingTo(otlp)
                .jvmArg("-Djava.security.manager=allow")
                .jvmArg("-Djava.security.policy==" + policy)
                .fixture(SecurityManagerApp.class).assertSuccess();
            assertThat(run.expectLine("sm=").get("sm")).isEqualTo("true");
            assertThat(run.expectLine("sm=").get("ok")).isEqualTo("2");
            int port = Integer.parseInt(run.expectLine("sm=").get("port"));
            assertThat(otlp.spans().connections("client", port)).hasSize(1);
            assertThat(otlp.spans().connections("server", port)).hasSize(1);
            assertThat(otlp.spans().exchanges("client", port)).hasSize(2);
            assertThat(otlp.spans().exchanges("server", port)).hasSize(2);
            assertThat(run.stderr).doesNotContain("SecurityException").doesNotContain("AccessControlException")
                .doesNotContain("internal error");
        }
    }
}
