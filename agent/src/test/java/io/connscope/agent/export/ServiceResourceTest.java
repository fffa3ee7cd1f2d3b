package io.connscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

class ServiceResourceTest {

    @Test
    void theServiceIsNamedAfterTheJarOrElseTheMainClass() {
        assertThat(ServiceResource.serviceName("/opt/app/orders-service.jar --port 8080")).isEqualTo("orders-service");
        assertThat(ServiceResource.serviceName("demo-app/target/connscope-demo.jar")).isEqualTo("connscope-demo");
        assertThat(ServiceResource.serviceName("com.example.billing.BillingMain a b")).isEqualTo("BillingMain");
        assertThat(ServiceResource.serviceName("com.example.app/com.example.app.Main")).isEqualTo("Main");
        assertThat(ServiceResource.serviceName("")).isNull();
        assertThat(ServiceResource.serviceName(null)).isNull();
    }

    @Test
    void aNameGivenBySettingsWinsAndEveryRunIsAnInstance() {
        Resource named = ServiceResource.customize(Resource.create(Attributes.of(ServiceResource.SERVICE_NAME, "payments")),
            null);
        assertThat(named.getAttribute(ServiceResource.SERVICE_NAME)).isEqualTo("payments");
        assertThat(named.getAttribute(ServiceResource.DISTRO_NAME)).isEqualTo("connscope");
        Resource unnamed = ServiceResource.customize(Resource.getDefault(), null);
        assertThat(unnamed.getAttribute(ServiceResource.SERVICE_NAME)).doesNotStartWith("unknown_service");
        assertThat(unnamed.getAttribute(ServiceResource.SERVICE_INSTANCE_ID))
            .isNotEqualTo(ServiceResource.customize(Resource.getDefault(), null).getAttribute(ServiceResource.SERVICE_INSTANCE_ID));
    }

    @Test
    void aCommandLineKeepsNoAgentOptionsAndNoSecretPropertyValues() {
        assertThat(ServiceResource.hidden("-javaagent:/opt/connscope-agent.jar=otel.exporter.otlp.headers=authorization=Bearer x"))
            .isEqualTo("-javaagent:/opt/connscope-agent.jar=***");
        assertThat(ServiceResource.hidden("-javaagent:/opt/other.jar")).isEqualTo("-javaagent:/opt/other.jar");
        assertThat(ServiceResource.hidden("-Ddb.Password=hunter2")).isEqualTo("-Ddb.Password=***");
        assertThat(ServiceResource.hidden("-Dotel.exporter.otlp.headers=api-key=1")).isEqualTo("-Dotel.exporter.otlp.headers=***");
        assertThat(ServiceResource.hidden("-Dapi.token=t")).isEqualTo("-Dapi.token=***");
        assertThat(ServiceResource.hidden("-Dserver.port=8080")).isEqualTo("-Dserver.port=8080");
        assertThat(ServiceResource.hidden("-Xmx512m")).isEqualTo("-Xmx512m");
        // In a command line joined with spaces, an argument is hidden whole, spaces and all.
        assertThat(ServiceResource.hiddenIn("/bin/java -javaagent:a.jar=h=Bearer x y -Dk.secret=a b -Xmx1g app.jar run",
            java.util.List.of("-javaagent:a.jar=h=Bearer x y", "-Dk.secret=a b", "-Xmx1g")))
            .isEqualTo("/bin/java -javaagent:a.jar=*** -Dk.secret=*** -Xmx1g app.jar run");
    }
}
