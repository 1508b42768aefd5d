package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.model.MeshConfig;
import java.util.List;

/**
 * Outcome of loading a change set: either a whole validated config and no errors, or no config and
 * at least one error. A change set with any error is rejected whole, so bad config never replaces
 * good config. Immutable.
 *
 * @param config the validated config, null when {@code errors} is non-empty
 * @param errors every problem found, in file and document order (cross-resource ones last)
 */
public record LoadResult(MeshConfig config, List<ConfigError> errors) {
  public LoadResult {
    errors = List.copyOf(errors);
    if (config == null == errors.isEmpty()) {
      throw new IllegalArgumentException(
          "config: " + (config == null ? "null" : "set") + " with " + errors.size() + " errors (expected: config iff no errors)");
    }
  }

  /** True when the config was accepted. */
  public boolean ok() {
    return config != null;
  }
}
