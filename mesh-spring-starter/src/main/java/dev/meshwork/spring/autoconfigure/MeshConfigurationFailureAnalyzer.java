package dev.meshwork.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link MeshConfigurationException} into Spring Boot's "APPLICATION FAILED TO START" report. */
class MeshConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<MeshConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MeshConfigurationException cause) {
    return new FailureAnalysis("The mesh is enabled (mesh.enabled=true) but misconfigured: " + cause.getMessage(),
        cause.action() + " Or set mesh.enabled=false to run outside the mesh.", cause);
  }
}
