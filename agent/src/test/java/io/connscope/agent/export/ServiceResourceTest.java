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
}
