package dev.meshwork.spring.it;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.identity.IdentityOptions;
import dev.meshwork.core.identity.SpiffeId;
import dev.meshwork.spring.inbound.MeshPeer;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Spring Boot app under test: workload {@code reviews} answering {@code GET /hello} with the
 * caller's SPIFFE ID. Declares the {@link Mesh} itself (the core auto-configuration is built in
 * parallel): control plane from {@code test.control-plane}, certificate lifetime {@code test.ttl}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@RestController
public class ReviewsApp {
  @Bean
  MeshSettings meshSettings(@Value("${test.control-plane}") String controlPlane) {
    return MeshSettings.builder().controlPlane(controlPlane).service("reviews")
        .instanceId("reviews-" + System.nanoTime()).identityToken("reviews-token").build();
  }

  @Bean
  Mesh mesh(MeshSettings settings, @Value("${test.ttl:PT1H}") Duration ttl) {
    return Mesh.start(settings, MeshOptions.DEFAULTS.withIdentity(IdentityOptions.builder().requestedTtl(ttl).build()));
  }

  @GetMapping("/hello")
  String hello(HttpServletRequest request) {
    return "hello " + MeshPeer.of(request).map(SpiffeId::toString).orElse("anonymous");
  }
}
