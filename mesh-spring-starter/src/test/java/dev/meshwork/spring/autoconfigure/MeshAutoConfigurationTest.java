package dev.meshwork.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class MeshAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class))
      .withPropertyValues("mesh.control-plane=127.0.0.1:1");

  @Test
  void settingsFromProperties_serviceDefaultsToApplicationName() {
    runner.withPropertyValues("spring.application.name=productpage", "mesh.zone=zone-a", "mesh.namespace=shop",
        "mesh.trust-domain=example.org", "mesh.instance-id=pp-1").run(ctx -> {
          MeshSettings s = ctx.getBean(MeshSettings.class);
          assertThat(s.service()).isEqualTo("productpage");
          assertThat(s.controlPlane()).isEqualTo("127.0.0.1:1");
          assertThat(s.zone()).isEqualTo("zone-a");
          assertThat(s.namespace()).isEqualTo("shop");
          assertThat(s.instanceId()).isEqualTo("pp-1");
          assertThat(s.spiffeId()).isEqualTo("spiffe://example.org/ns/shop/sa/productpage");
          assertThat(ctx.getBean(Mesh.class).settings()).isSameAs(s);
        });
  }

  @Test
  void meshServiceWinsOverApplicationName() {
    runner.withPropertyValues("spring.application.name=app", "mesh.service=reviews")
        .run(ctx -> assertThat(ctx.getBean(MeshSettings.class).service()).isEqualTo("reviews"));
  }

  @Test
  void disabledByProperty_noMeshBeans() {
    runner.withPropertyValues("mesh.enabled=false").run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).doesNotHaveBean(MeshSettings.class).doesNotHaveBean(Mesh.class);
    });
  }

  @Test
  void disabled_misconfigurationIgnored() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class))
        .withPropertyValues("mesh.enabled=false").run(ctx -> assertThat(ctx).hasNotFailed());
  }

  @Test
  void missingMeshClass_backsOff() {
    runner.withPropertyValues("mesh.service=reviews").withClassLoader(new FilteredClassLoader(Mesh.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(MeshSettings.class));
  }

  @Test
  void userSettingsWin() {
    runner.withUserConfiguration(UserSettings.class).run(ctx -> {
      assertThat(ctx).hasSingleBean(MeshSettings.class);
      assertThat(ctx.getBean(MeshSettings.class).service()).isEqualTo("mine");
      assertThat(ctx.getBean(Mesh.class).settings().service()).isEqualTo("mine");
    });
  }

  @Test
  void noControlPlane_failsWithClearMessage() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class))
        .withPropertyValues("mesh.service=reviews").run(ctx -> {
          assertThat(ctx).hasFailed();
          assertThat(ctx.getStartupFailure()).rootCause().isInstanceOf(MeshConfigurationException.class)
              .hasMessageContaining("mesh.control-plane: not set");
          FailureAnalysis analysis = new MeshConfigurationFailureAnalyzer().analyze(ctx.getStartupFailure());
          assertThat(analysis.getDescription()).contains("mesh.control-plane");
          assertThat(analysis.getAction()).contains("mesh.control-plane=127.0.0.1:15010").contains("mesh.enabled=false");
        });
  }

  @Test
  void failureAnalyzer_registeredWithSpringBoot() throws Exception {
    var names = new java.util.ArrayList<String>();
    for (var url : java.util.Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
      var p = new java.util.Properties();
      try (var in = url.openStream()) {
        p.load(in);
      }
      names.add(p.getProperty("org.springframework.boot.diagnostics.FailureAnalyzer", ""));
    }
    assertThat(names).anyMatch(n -> n.contains(MeshConfigurationFailureAnalyzer.class.getName()));
  }

  @Test
  void noServiceName_fails() {
    runner.run(ctx -> assertThat(ctx.getStartupFailure()).rootCause()
        .hasMessageContaining("mesh.service: not set, and spring.application.name is not set either"));
  }

  @Test
  void badValues_fail() {
    runner.withPropertyValues("mesh.service=Reviews_1").run(ctx -> assertThat(ctx.getStartupFailure()).rootCause()
        .hasMessageContaining("mesh.service: \"Reviews_1\" is not a DNS-1123 name"));
    runner.withPropertyValues("mesh.service=reviews", "mesh.control-plane=cp:99999").run(ctx ->
        assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("mesh.control-plane: \"cp:99999\" has a bad port"));
    runner.withPropertyValues("mesh.service=reviews", "mesh.lookup-timeout=0s").run(ctx ->
        assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("mesh.lookup-timeout: PT0S (expected: > 0)"));
    runner.withPropertyValues("mesh.service=reviews", "mesh.zone=a", "mesh.locality=r/b").run(ctx ->
        assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("mesh.zone: set together with mesh.locality"));
  }

  @Configuration(proxyBeanMethods = false)
  static class UserSettings {
    @Bean
    MeshSettings mySettings() {
      return MeshSettings.builder().controlPlane("127.0.0.1:1").service("mine").build();
    }
  }
}
