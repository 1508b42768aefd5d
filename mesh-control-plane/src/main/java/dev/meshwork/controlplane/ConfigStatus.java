package dev.meshwork.controlplane;

import java.time.Instant;
import java.util.List;

/**
 * What the control plane is serving and what it last refused.
 *
 * @param version count of config change sets applied since start (1 = the initial load; 0 only
 *     before it, or without a config directory)
 * @param appliedAt when the served config was applied
 * @param errors errors of the last rejected change set, one line each naming file, document,
 *     resource and field; empty when the last load was good
 * @param rejectedAt when that change set was rejected, or null
 */
public record ConfigStatus(long version, Instant appliedAt, List<String> errors, Instant rejectedAt) {
  public ConfigStatus {
    errors = List.copyOf(errors);
  }
}
